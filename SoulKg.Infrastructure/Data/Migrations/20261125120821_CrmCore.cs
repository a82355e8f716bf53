using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using SoulKg.Infrastructure.Data;

#nullable disable

namespace SoulKg.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class CrmCore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");

            migrationBuilder.CreateTable(
                name: "clients",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    telegram = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    language = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    country = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    city = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    notes = table.Column<string>(type: "text", nullable: true),
                    responsible_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    consent_to_contact = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    merged_into_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_clients", x => x.id);
                    table.ForeignKey(
                        name: "fk_clients_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "funnel_stages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    color = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    order = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    is_archived = table.Column<bool>(type: "boolean", nullable: false),
                    stale_after_days = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_funnel_stages", x => x.id);
                    table.ForeignKey(
                        name: "fk_funnel_stages_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "lost_reasons",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    order = table.Column<int>(type: "integer", nullable: false),
                    is_archived = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lost_reasons", x => x.id);
                    table.ForeignKey(
                        name: "fk_lost_reasons_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "partners",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    contact_person = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    whats_app_phone = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    regions = table.Column<List<string>>(type: "text[]", nullable: false),
                    languages = table.Column<List<string>>(type: "text[]", nullable: false),
                    rates = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    notes = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    rating = table.Column<decimal>(type: "numeric(3,2)", precision: 3, scale: 2, nullable: true),
                    is_active = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_partners", x => x.id);
                    table.CheckConstraint("ck_partners_rating", "rating IS NULL OR (rating >= 0 AND rating <= 5)");
                    table.ForeignKey(
                        name: "fk_partners_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tours",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name_ru = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    name_en = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    description_ru = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: true),
                    description_en = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: true),
                    region = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    duration_days = table.Column<int>(type: "integer", nullable: false),
                    months = table.Column<List<int>>(type: "integer[]", nullable: false),
                    price_kgs = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true),
                    price_usd = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true),
                    child_price_kgs = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true),
                    child_price_usd = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true),
                    group_min = table.Column<int>(type: "integer", nullable: false),
                    group_max = table.Column<int>(type: "integer", nullable: false),
                    included = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    difficulty = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    partner_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    photo_urls = table.Column<List<string>>(type: "text[]", nullable: false),
                    is_archived = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tours", x => x.id);
                    table.CheckConstraint("ck_tours_group", "group_min >= 1 AND group_max >= group_min");
                    table.ForeignKey(
                        name: "fk_tours_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "client_contacts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    value = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    is_primary = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_client_contacts", x => x.id);
                    table.ForeignKey(
                        name: "fk_client_contacts_clients_client_id",
                        column: x => x.client_id,
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "timeline_events",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    deal_id = table.Column<Guid>(type: "uuid", nullable: true),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    summary = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: false),
                    data = table.Column<string>(type: "jsonb", nullable: true),
                    actor_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    actor_id = table.Column<Guid>(type: "uuid", nullable: true),
                    actor_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_timeline_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_timeline_events_clients_client_id",
                        column: x => x.client_id,
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "deals",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    stage_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    stage_entered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sort_order = table.Column<double>(type: "double precision", nullable: false),
                    tour_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    adults = table.Column<int>(type: "integer", nullable: false),
                    children = table.Column<int>(type: "integer", nullable: false),
                    budget_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true),
                    budget_currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    wishes = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    accommodation = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    pickup_city = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    region = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    responsible_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    value_amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true),
                    value_currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    expected_close_date = table.Column<DateOnly>(type: "date", nullable: true),
                    lost_reason_id = table.Column<Guid>(type: "uuid", nullable: true),
                    lost_note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    needs_stage_review = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false),
                    travel_from = table.Column<DateOnly>(type: "date", nullable: true),
                    travel_month = table.Column<int>(type: "integer", nullable: true),
                    travel_text = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    travel_to = table.Column<DateOnly>(type: "date", nullable: true),
                    travel_year = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deals", x => x.id);
                    table.CheckConstraint("ck_deals_budget_currency", "budget_amount IS NULL OR budget_currency IS NOT NULL");
                    table.CheckConstraint("ck_deals_group", "adults >= 0 AND children >= 0");
                    table.ForeignKey(
                        name: "fk_deals_clients_client_id",
                        column: x => x.client_id,
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_deals_funnel_stages_stage_id",
                        column: x => x.stage_id,
                        principalTable: "funnel_stages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_deals_lost_reasons_lost_reason_id",
                        column: x => x.lost_reason_id,
                        principalTable: "lost_reasons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "departures",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tour_id = table.Column<Guid>(type: "uuid", nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    end_date = table.Column<DateOnly>(type: "date", nullable: true),
                    seats = table.Column<int>(type: "integer", nullable: false),
                    seats_booked = table.Column<int>(type: "integer", nullable: false),
                    price_kgs = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true),
                    price_usd = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true),
                    is_cancelled = table.Column<bool>(type: "boolean", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_departures", x => x.id);
                    table.CheckConstraint("ck_departures_seats", "seats_booked >= 0 AND seats_booked <= seats");
                    table.ForeignKey(
                        name: "fk_departures_tours_tour_id",
                        column: x => x.tour_id,
                        principalTable: "tours",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "deal_partners",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    deal_id = table.Column<Guid>(type: "uuid", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    assigned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deal_partners", x => x.id);
                    table.ForeignKey(
                        name: "fk_deal_partners_deals_deal_id",
                        column: x => x.deal_id,
                        principalTable: "deals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_deal_partners_partners_partner_id",
                        column: x => x.partner_id,
                        principalTable: "partners",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "deal_stage_changes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    deal_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_stage_id = table.Column<Guid>(type: "uuid", nullable: true),
                    to_stage_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    to_status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    actor_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    actor_id = table.Column<Guid>(type: "uuid", nullable: true),
                    actor_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deal_stage_changes", x => x.id);
                    table.ForeignKey(
                        name: "fk_deal_stage_changes_deals_deal_id",
                        column: x => x.deal_id,
                        principalTable: "deals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "departure_bookings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<Guid>(type: "uuid", nullable: false),
                    departure_id = table.Column<Guid>(type: "uuid", nullable: false),
                    deal_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seats = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_departure_bookings", x => x.id);
                    table.CheckConstraint("ck_departure_bookings_seats", "seats > 0");
                    table.ForeignKey(
                        name: "fk_departure_bookings_deals_deal_id",
                        column: x => x.deal_id,
                        principalTable: "deals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_departure_bookings_departures_departure_id",
                        column: x => x.departure_id,
                        principalTable: "departures",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_client_contacts_client_id",
                table: "client_contacts",
                column: "client_id");

            migrationBuilder.CreateIndex(
                name: "ix_client_contacts_org_id_kind_value",
                table: "client_contacts",
                columns: new[] { "org_id", "kind", "value" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_client_contacts_value_trgm",
                table: "client_contacts",
                column: "value")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_clients_name_trgm",
                table: "clients",
                column: "name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_clients_org_id_created_at",
                table: "clients",
                columns: new[] { "org_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_deal_partners_deal_id_partner_id",
                table: "deal_partners",
                columns: new[] { "deal_id", "partner_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_deal_partners_partner_id",
                table: "deal_partners",
                column: "partner_id");

            migrationBuilder.CreateIndex(
                name: "ix_deal_stage_changes_deal_id_at",
                table: "deal_stage_changes",
                columns: new[] { "deal_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_deal_stage_changes_org_id_at",
                table: "deal_stage_changes",
                columns: new[] { "org_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_deals_client_id",
                table: "deals",
                column: "client_id");

            migrationBuilder.CreateIndex(
                name: "ix_deals_lost_reason_id",
                table: "deals",
                column: "lost_reason_id");

            migrationBuilder.CreateIndex(
                name: "ix_deals_org_id_status_stage_id_sort_order",
                table: "deals",
                columns: new[] { "org_id", "status", "stage_id", "sort_order" });

            migrationBuilder.CreateIndex(
                name: "ix_deals_stage_id",
                table: "deals",
                column: "stage_id");

            migrationBuilder.CreateIndex(
                name: "ix_departure_bookings_deal_id",
                table: "departure_bookings",
                column: "deal_id");

            migrationBuilder.CreateIndex(
                name: "ix_departure_bookings_departure_id_deal_id",
                table: "departure_bookings",
                columns: new[] { "departure_id", "deal_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_departures_tour_id_start_date",
                table: "departures",
                columns: new[] { "tour_id", "start_date" });

            migrationBuilder.CreateIndex(
                name: "ix_funnel_stages_org_id_order",
                table: "funnel_stages",
                columns: new[] { "org_id", "order" });

            migrationBuilder.CreateIndex(
                name: "ix_lost_reasons_org_id",
                table: "lost_reasons",
                column: "org_id");

            migrationBuilder.CreateIndex(
                name: "ix_partners_name_trgm",
                table: "partners",
                column: "name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_partners_org_id_type",
                table: "partners",
                columns: new[] { "org_id", "type" });

            migrationBuilder.CreateIndex(
                name: "ix_timeline_events_client_id_at_id",
                table: "timeline_events",
                columns: new[] { "client_id", "at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_tours_org_id_is_archived",
                table: "tours",
                columns: new[] { "org_id", "is_archived" });

            migrationBuilder.EnableOrgIsolation("clients");
            migrationBuilder.EnableOrgIsolation("client_contacts");
            migrationBuilder.EnableOrgIsolation("timeline_events");
            migrationBuilder.EnableOrgIsolation("funnel_stages");
            migrationBuilder.EnableOrgIsolation("lost_reasons");
            migrationBuilder.EnableOrgIsolation("deals");
            migrationBuilder.EnableOrgIsolation("deal_stage_changes");
            migrationBuilder.EnableOrgIsolation("tours");
            migrationBuilder.EnableOrgIsolation("departures");
            migrationBuilder.EnableOrgIsolation("departure_bookings");
            migrationBuilder.EnableOrgIsolation("partners");
            migrationBuilder.EnableOrgIsolation("deal_partners");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "client_contacts");

            migrationBuilder.DropTable(
                name: "deal_partners");

            migrationBuilder.DropTable(
                name: "deal_stage_changes");

            migrationBuilder.DropTable(
                name: "departure_bookings");

            migrationBuilder.DropTable(
                name: "timeline_events");

            migrationBuilder.DropTable(
                name: "partners");

            migrationBuilder.DropTable(
                name: "deals");

            migrationBuilder.DropTable(
                name: "departures");

            migrationBuilder.DropTable(
                name: "clients");

            migrationBuilder.DropTable(
                name: "funnel_stages");

            migrationBuilder.DropTable(
                name: "lost_reasons");

            migrationBuilder.DropTable(
                name: "tours");
        }
    }
}
