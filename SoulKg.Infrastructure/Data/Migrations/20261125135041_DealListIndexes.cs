using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SoulKg.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class DealListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_deals_org_id_created_at_id",
                table: "deals",
                columns: new[] { "org_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_deals_org_id_stage_id_created_at_id",
                table: "deals",
                columns: new[] { "org_id", "stage_id", "created_at", "id" },
                descending: new[] { false, false, true, true });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_deals_org_id_created_at_id",
                table: "deals");

            migrationBuilder.DropIndex(
                name: "ix_deals_org_id_stage_id_created_at_id",
                table: "deals");
        }
    }
}
