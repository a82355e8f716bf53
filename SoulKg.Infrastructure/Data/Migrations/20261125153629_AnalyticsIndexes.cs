using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SoulKg.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class AnalyticsIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_messages_analytics_sent_at",
                table: "messages",
                columns: new[] { "org_id", "sent_at" });

            migrationBuilder.CreateIndex(
                name: "ix_holder_changes_analytics_to_at",
                table: "holder_changes",
                columns: new[] { "org_id", "to", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_deals_analytics_closed",
                table: "deals",
                columns: new[] { "org_id", "status", "closed_at" },
                filter: "closed_at IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_messages_analytics_sent_at",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "ix_holder_changes_analytics_to_at",
                table: "holder_changes");

            migrationBuilder.DropIndex(
                name: "ix_deals_analytics_closed",
                table: "deals");
        }
    }
}
