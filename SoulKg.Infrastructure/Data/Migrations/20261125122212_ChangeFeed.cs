using System;
using Microsoft.EntityFrameworkCore.Migrations;
using SoulKg.Infrastructure.Data;

#nullable disable

namespace SoulKg.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class ChangeFeed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "change_log",
                columns: table => new
                {
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    entity = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    entity_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: false),
                    data = table.Column<string>(type: "jsonb", nullable: true),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_change_log", x => new { x.org_id, x.seq });
                    table.ForeignKey(
                        name: "fk_change_log_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "org_change_counters",
                columns: table => new
                {
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    last_seq = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_org_change_counters", x => x.org_id);
                    table.ForeignKey(
                        name: "fk_org_change_counters_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_change_log_at",
                table: "change_log",
                column: "at");

            migrationBuilder.EnableOrgIsolation("change_log");
            migrationBuilder.EnableOrgIsolation("org_change_counters");
            migrationBuilder.CreateChangeFeedFunction();
            migrationBuilder.PublishChanges("deals", "deal", "stage_id", "status", "client_id");
            migrationBuilder.PublishChanges("clients", "client");
            migrationBuilder.PublishChanges("funnel_stages", "stage");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "change_log");

            migrationBuilder.DropTable(
                name: "org_change_counters");
        }
    }
}
