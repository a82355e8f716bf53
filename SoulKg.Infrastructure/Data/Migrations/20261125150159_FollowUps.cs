using System;
using Microsoft.EntityFrameworkCore.Migrations;
using SoulKg.Infrastructure.Scheduling;

#nullable disable

namespace SoulKg.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class FollowUps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "follow_up_settings",
                columns: table => new
                {
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    quiet_client_hours = table.Column<int>(type: "integer", nullable: false),
                    before_trip_days = table.Column<int>(type: "integer", nullable: false),
                    auto_return_after_hours = table.Column<int>(type: "integer", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_follow_up_settings", x => x.org_id);
                    table.ForeignKey(
                        name: "fk_follow_up_settings_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "follow_ups",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    text = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: true),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_by_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_by_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    trace_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    fired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    outcome = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    message_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_follow_ups", x => x.id);
                    table.ForeignKey(
                        name: "fk_follow_ups_clients_client_id",
                        column: x => x.client_id,
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_follow_ups_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_follow_ups_client_id_due_at",
                table: "follow_ups",
                columns: new[] { "client_id", "due_at" });

            migrationBuilder.CreateIndex(
                name: "ix_follow_ups_conversation_id_kind",
                table: "follow_ups",
                columns: new[] { "conversation_id", "kind" },
                unique: true,
                filter: "status = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_follow_ups_org_id_status_due_at",
                table: "follow_ups",
                columns: new[] { "org_id", "status", "due_at" });

            // Hand edits (keep when regenerating): row-level security, the change feed for the client page, and Quartz's
            // own tables (not org-owned, no RLS; DatabaseMigrator grants the app role data access to every table).
            migrationBuilder.EnableOrgIsolation("follow_ups");
            migrationBuilder.EnableOrgIsolation("follow_up_settings");
            migrationBuilder.PublishChanges("follow_ups", "follow_up", "client_id", "conversation_id", "status");
            migrationBuilder.Sql(QuartzSchema.PostgresDdl());
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in QuartzSchema.Tables)
            {
                migrationBuilder.Sql($"DROP TABLE IF EXISTS {QuartzSchema.TablePrefix}{table};");
            }

            migrationBuilder.DropTable(
                name: "follow_up_settings");

            migrationBuilder.DropTable(
                name: "follow_ups");
        }
    }
}
