using System;
using Microsoft.EntityFrameworkCore.Migrations;
using SoulKg.Infrastructure.Data;

#nullable disable

namespace SoulKg.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class Conversations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "canned_replies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    shortcut = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_canned_replies", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "channels",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    mode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    phone = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    state = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    state_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    state_changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sends_per_minute = table.Column<int>(type: "integer", nullable: false),
                    typing_milliseconds = table.Column<int>(type: "integer", nullable: false),
                    is_active = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channels", x => x.id);
                    table.ForeignKey(
                        name: "fk_channels_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "org_registry",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_org_registry", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "conversations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel_id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    external_chat_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    is_group = table.Column<bool>(type: "boolean", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    holder = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    holder_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    holder_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    holder_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_message_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_message_preview = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    unread_count = table.Column<int>(type: "integer", nullable: false),
                    last_inbound_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_human_reply_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conversations", x => x.id);
                    table.ForeignKey(
                        name: "fk_conversations_channels_channel_id",
                        column: x => x.channel_id,
                        principalTable: "channels",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_conversations_clients_client_id",
                        column: x => x.client_id,
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "inbound_envelopes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel_id = table.Column<Guid>(type: "uuid", nullable: false),
                    external_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    message_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbound_envelopes", x => x.id);
                    table.ForeignKey(
                        name: "fk_inbound_envelopes_channels_channel_id",
                        column: x => x.channel_id,
                        principalTable: "channels",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "holder_changes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    to = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    from_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    to_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    actor_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    actor_id = table.Column<Guid>(type: "uuid", nullable: true),
                    actor_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_holder_changes", x => x.id);
                    table.ForeignKey(
                        name: "fk_holder_changes_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel_id = table.Column<Guid>(type: "uuid", nullable: false),
                    direction = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    author = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    author_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    author_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    text = table.Column<string>(type: "text", nullable: false),
                    reply_to_id = table.Column<Guid>(type: "uuid", nullable: true),
                    external_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    agent_run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    attachments = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_messages", x => x.id);
                    table.ForeignKey(
                        name: "fk_messages_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "outbox",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel_id = table.Column<Guid>(type: "uuid", nullable: false),
                    chat_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    locked_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox", x => x.id);
                    table.ForeignKey(
                        name: "fk_outbox_messages_message_id",
                        column: x => x.message_id,
                        principalTable: "messages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_canned_replies_org_id_owner_user_id_shortcut",
                table: "canned_replies",
                columns: new[] { "org_id", "owner_user_id", "shortcut" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_channels_org_id",
                table: "channels",
                column: "org_id");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_channel_id_external_chat_id",
                table: "conversations",
                columns: new[] { "channel_id", "external_chat_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_conversations_client_id",
                table: "conversations",
                column: "client_id");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_org_id_holder_last_message_at",
                table: "conversations",
                columns: new[] { "org_id", "holder", "last_message_at" });

            migrationBuilder.CreateIndex(
                name: "ix_conversations_org_id_last_message_at",
                table: "conversations",
                columns: new[] { "org_id", "last_message_at" });

            migrationBuilder.CreateIndex(
                name: "ix_holder_changes_conversation_id_at",
                table: "holder_changes",
                columns: new[] { "conversation_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_inbound_envelopes_channel_id_external_id",
                table: "inbound_envelopes",
                columns: new[] { "channel_id", "external_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_inbound_envelopes_org_id_status",
                table: "inbound_envelopes",
                columns: new[] { "org_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_messages_channel_id_external_id",
                table: "messages",
                columns: new[] { "channel_id", "external_id" },
                unique: true,
                filter: "external_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_messages_conversation_id_fingerprint",
                table: "messages",
                columns: new[] { "conversation_id", "fingerprint" },
                unique: true,
                filter: "fingerprint IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_messages_conversation_id_sent_at_id",
                table: "messages",
                columns: new[] { "conversation_id", "sent_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_message_id",
                table: "outbox",
                column: "message_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_org_id_status_next_attempt_at",
                table: "outbox",
                columns: new[] { "org_id", "status", "next_attempt_at" });

            migrationBuilder.EnableOrgIsolation("channels");
            migrationBuilder.EnableOrgIsolation("conversations");
            migrationBuilder.EnableOrgIsolation("holder_changes");
            migrationBuilder.EnableOrgIsolation("messages");
            migrationBuilder.EnableOrgIsolation("outbox");
            migrationBuilder.EnableOrgIsolation("inbound_envelopes");
            migrationBuilder.EnableOrgIsolation("canned_replies");
            migrationBuilder.PublishChanges("conversations", "conversation", "holder", "holder_user_id", "client_id", "unread_count");
            migrationBuilder.PublishChanges("messages", "message", "conversation_id", "direction", "status");
            migrationBuilder.PublishChanges("channels", "channel", "state");
            // Every organisation is listed in the registry by a trigger; existing ones are copied once. The owner lifts
            // FORCE for that one statement (it is the table owner), inside this migration's transaction.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION app_register_org() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO org_registry (id, created_at) VALUES (NEW.id, NEW.created_at) ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER register_org AFTER INSERT ON organizations FOR EACH ROW EXECUTE FUNCTION app_register_org();
                ALTER TABLE organizations NO FORCE ROW LEVEL SECURITY;
                INSERT INTO org_registry (id, created_at) SELECT id, created_at FROM organizations ON CONFLICT DO NOTHING;
                ALTER TABLE organizations FORCE ROW LEVEL SECURITY;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "canned_replies");

            migrationBuilder.DropTable(
                name: "holder_changes");

            migrationBuilder.DropTable(
                name: "inbound_envelopes");

            migrationBuilder.DropTable(
                name: "org_registry");

            migrationBuilder.DropTable(
                name: "outbox");

            migrationBuilder.DropTable(
                name: "messages");

            migrationBuilder.DropTable(
                name: "conversations");

            migrationBuilder.DropTable(
                name: "channels");
        }
    }
}
