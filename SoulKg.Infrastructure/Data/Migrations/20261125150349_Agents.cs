using System;
using Microsoft.EntityFrameworkCore.Migrations;
using SoulKg.Infrastructure.Data;

#nullable disable

namespace SoulKg.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class Agents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "agent_configs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    current_version = table.Column<int>(type: "integer", nullable: false),
                    settings = table.Column<string>(type: "jsonb", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_agent_configs", x => x.id);
                    table.ForeignKey(
                        name: "fk_agent_configs_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "agent_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    trace_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    trigger_message_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reply_message_id = table.Column<Guid>(type: "uuid", nullable: true),
                    agent = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    agent_name = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    config_version = table.Column<int>(type: "integer", nullable: false),
                    provider = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    model = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    input = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    tool_calls = table.Column<string>(type: "jsonb", nullable: false),
                    handovers = table.Column<string>(type: "jsonb", nullable: false),
                    output = table.Column<string>(type: "character varying(8192)", maxLength: 8192, nullable: true),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    handoff_reason = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    iterations = table.Column<int>(type: "integer", nullable: false),
                    prompt_tokens = table.Column<int>(type: "integer", nullable: false),
                    completion_tokens = table.Column<int>(type: "integer", nullable: false),
                    latency_ms = table.Column<int>(type: "integer", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_agent_runs", x => x.id);
                    table.ForeignKey(
                        name: "fk_agent_runs_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "agent_config_versions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    agent_config_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    settings = table.Column<string>(type: "jsonb", nullable: false),
                    changes = table.Column<string>(type: "jsonb", nullable: false),
                    comment = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    author_id = table.Column<Guid>(type: "uuid", nullable: true),
                    author_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_agent_config_versions", x => x.id);
                    table.ForeignKey(
                        name: "fk_agent_config_versions_agent_configs_agent_config_id",
                        column: x => x.agent_config_id,
                        principalTable: "agent_configs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_agent_config_versions_agent_config_id_number",
                table: "agent_config_versions",
                columns: new[] { "agent_config_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_agent_configs_org_id_kind",
                table: "agent_configs",
                columns: new[] { "org_id", "kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_agent_runs_conversation_id_started_at",
                table: "agent_runs",
                columns: new[] { "conversation_id", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_agent_runs_org_id_started_at",
                table: "agent_runs",
                columns: new[] { "org_id", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_agent_runs_trace_id",
                table: "agent_runs",
                column: "trace_id");

            // Hand edit: row-level security on the new tenant tables.
            migrationBuilder.EnableOrgIsolation("agent_configs");
            migrationBuilder.EnableOrgIsolation("agent_config_versions");
            migrationBuilder.EnableOrgIsolation("agent_runs");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "agent_config_versions");

            migrationBuilder.DropTable(
                name: "agent_runs");

            migrationBuilder.DropTable(
                name: "agent_configs");
        }
    }
}
