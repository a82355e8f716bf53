using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SoulKg.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class BoardOrderIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_deals_org_id_status_stage_id_sort_order",
                table: "deals");

            migrationBuilder.CreateIndex(
                name: "ix_deals_org_id_status_stage_id_sort_order_id",
                table: "deals",
                columns: new[] { "org_id", "status", "stage_id", "sort_order", "id" },
                descending: new[] { false, false, false, false, true });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_deals_org_id_status_stage_id_sort_order_id",
                table: "deals");

            migrationBuilder.CreateIndex(
                name: "ix_deals_org_id_status_stage_id_sort_order",
                table: "deals",
                columns: new[] { "org_id", "status", "stage_id", "sort_order" });
        }
    }
}
