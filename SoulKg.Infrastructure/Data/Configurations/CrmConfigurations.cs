using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SoulKg.Domain.Catalog;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Partners;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Infrastructure.Data.Configurations;

internal sealed class ClientConfiguration : IEntityTypeConfiguration<Client>
{
    public void Configure(EntityTypeBuilder<Client> b)
    {
        b.ToTable("clients");
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Email).HasMaxLength(256);
        b.Property(c => c.Telegram).HasMaxLength(64);
        b.Property(c => c.Language).HasMaxLength(5);
        b.Property(c => c.Country).HasMaxLength(100);
        b.Property(c => c.City).HasMaxLength(100);
        b.Property(c => c.Source).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Version).IsRowVersion();
        b.HasMany(c => c.Contacts).WithOne().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Organization>().WithMany().HasForeignKey(c => c.OrgId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.OrgId, c.CreatedAt });
        // Trigram index for "a piece of the name" search (ILIKE '%…%').
        b.HasIndex(c => c.Name).HasMethod("gin").HasOperators("gin_trgm_ops").HasDatabaseName("ix_clients_name_trgm");
    }
}

internal sealed class ClientContactConfiguration : IEntityTypeConfiguration<ClientContact>
{
    public void Configure(EntityTypeBuilder<ClientContact> b)
    {
        b.ToTable("client_contacts");
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Value).HasMaxLength(100);
        b.Ignore(c => c.WhatsAppId);
        // One client per phone / WhatsApp id within an organisation, whatever the code does.
        b.HasIndex(c => new { c.OrgId, c.Kind, c.Value }).IsUnique();
        b.HasIndex(c => c.ClientId);
        b.HasIndex(c => c.Value).HasMethod("gin").HasOperators("gin_trgm_ops").HasDatabaseName("ix_client_contacts_value_trgm");
    }
}

internal sealed class TimelineEventConfiguration : IEntityTypeConfiguration<TimelineEvent>
{
    public void Configure(EntityTypeBuilder<TimelineEvent> b)
    {
        b.ToTable("timeline_events");
        b.Property(e => e.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(e => e.ActorType).HasConversion<string>().HasMaxLength(20);
        b.Property(e => e.Summary).HasMaxLength(10_000);
        b.Property(e => e.ActorName).HasMaxLength(256);
        b.Property(e => e.Data).HasColumnType("jsonb");
        b.HasIndex(e => new { e.ClientId, e.At, e.Id }).IsDescending(false, true, true);
        b.HasOne<Client>().WithMany().HasForeignKey(e => e.ClientId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FunnelStageConfiguration : IEntityTypeConfiguration<FunnelStage>
{
    public void Configure(EntityTypeBuilder<FunnelStage> b)
    {
        b.ToTable("funnel_stages");
        b.Property(s => s.Name).HasMaxLength(60);
        b.Property(s => s.Color).HasMaxLength(7);
        b.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(s => new { s.OrgId, s.Order });
        b.HasOne<Organization>().WithMany().HasForeignKey(s => s.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LostReasonConfiguration : IEntityTypeConfiguration<LostReason>
{
    public void Configure(EntityTypeBuilder<LostReason> b)
    {
        b.ToTable("lost_reasons");
        b.Property(s => s.Name).HasMaxLength(100);
        b.HasOne<Organization>().WithMany().HasForeignKey(s => s.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DealConfiguration : IEntityTypeConfiguration<Deal>
{
    public void Configure(EntityTypeBuilder<Deal> b)
    {
        b.ToTable("deals", t =>
        {
            t.HasCheckConstraint("ck_deals_group", "adults >= 0 AND children >= 0");
            t.HasCheckConstraint("ck_deals_budget_currency", "budget_amount IS NULL OR budget_currency IS NOT NULL");
        });
        b.Property(d => d.Title).HasMaxLength(200);
        b.Property(d => d.Status).HasConversion<string>().HasMaxLength(10);
        b.Property(d => d.Source).HasConversion<string>().HasMaxLength(20);
        b.Property(d => d.BudgetAmount).HasPrecision(14, 2);
        b.Property(d => d.BudgetCurrency).HasMaxLength(3);
        b.Property(d => d.ValueAmount).HasPrecision(14, 2);
        b.Property(d => d.ValueCurrency).HasMaxLength(3);
        b.Property(d => d.Wishes).HasMaxLength(4000);
        b.Property(d => d.Accommodation).HasMaxLength(500);
        b.Property(d => d.PickupCity).HasMaxLength(100);
        b.Property(d => d.Region).HasMaxLength(100);
        b.Property(d => d.LostNote).HasMaxLength(500);
        b.Property(d => d.Version).IsRowVersion();
        b.Ignore(d => d.GroupSize);
        b.Ignore(d => d.Budget);
        b.Ignore(d => d.Value);
        b.ComplexProperty(d => d.Travel, t =>
        {
            t.Property(x => x.From).HasColumnName("travel_from");
            t.Property(x => x.To).HasColumnName("travel_to");
            t.Property(x => x.Month).HasColumnName("travel_month");
            t.Property(x => x.Year).HasColumnName("travel_year");
            t.Property(x => x.Text).HasColumnName("travel_text").HasMaxLength(100);
            t.Ignore(x => x.IsEmpty);
            t.Ignore(x => x.StartMonth);
        });
        b.HasOne<Client>().WithMany().HasForeignKey(d => d.ClientId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<FunnelStage>().WithMany().HasForeignKey(d => d.StageId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<LostReason>().WithMany().HasForeignKey(d => d.LostReasonId).OnDelete(DeleteBehavior.Restrict);
        // The board's order (sort_order, then newest id) in full, so a column's first 50 cards are an index walk, not a sort of the stage.
        b.HasIndex(d => new { d.OrgId, d.Status, d.StageId, d.SortOrder, d.Id }).IsDescending(false, false, false, false, true);
        // Deal lists (API, grids) are newest first within a stage: the scan stops after one page.
        b.HasIndex(d => new { d.OrgId, d.StageId, d.CreatedAt, d.Id }).IsDescending(false, false, true, true);
        b.HasIndex(d => new { d.OrgId, d.CreatedAt, d.Id }).IsDescending(false, true, true);
        b.HasIndex(d => d.ClientId);
    }
}

internal sealed class DealStageChangeConfiguration : IEntityTypeConfiguration<DealStageChange>
{
    public void Configure(EntityTypeBuilder<DealStageChange> b)
    {
        b.ToTable("deal_stage_changes");
        b.Property(c => c.FromStatus).HasConversion<string>().HasMaxLength(10);
        b.Property(c => c.ToStatus).HasConversion<string>().HasMaxLength(10);
        b.Property(c => c.ActorType).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.ActorName).HasMaxLength(256);
        b.Property(c => c.Reason).HasMaxLength(1000);
        b.HasOne<Deal>().WithMany().HasForeignKey(c => c.DealId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.DealId, c.At });
        b.HasIndex(c => new { c.OrgId, c.At });
    }
}

internal sealed class TourConfiguration : IEntityTypeConfiguration<Tour>
{
    public void Configure(EntityTypeBuilder<Tour> b)
    {
        b.ToTable("tours", t => t.HasCheckConstraint("ck_tours_group", "group_min >= 1 AND group_max >= group_min"));
        b.Property(t => t.NameRu).HasMaxLength(200);
        b.Property(t => t.NameEn).HasMaxLength(200);
        b.Property(t => t.DescriptionRu).HasMaxLength(10_000);
        b.Property(t => t.DescriptionEn).HasMaxLength(10_000);
        b.Property(t => t.Region).HasMaxLength(100);
        b.Property(t => t.Type).HasConversion<string>().HasMaxLength(20);
        b.Property(t => t.Difficulty).HasConversion<string>().HasMaxLength(20);
        b.Property(t => t.Included).HasMaxLength(4000);
        foreach (var price in new[] { nameof(Tour.PriceKgs), nameof(Tour.PriceUsd), nameof(Tour.ChildPriceKgs), nameof(Tour.ChildPriceUsd) })
        {
            b.Property(price).HasPrecision(14, 2);
        }

        b.Property(t => t.Version).IsRowVersion();
        b.HasOne<Organization>().WithMany().HasForeignKey(t => t.OrgId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => new { t.OrgId, t.IsArchived });
    }
}

internal sealed class DepartureConfiguration : IEntityTypeConfiguration<Departure>
{
    public void Configure(EntityTypeBuilder<Departure> b)
    {
        // The last line of defence against overbooking, whatever races the code has.
        b.ToTable("departures", t => t.HasCheckConstraint("ck_departures_seats", "seats_booked >= 0 AND seats_booked <= seats"));
        b.Property(d => d.PriceKgs).HasPrecision(14, 2);
        b.Property(d => d.PriceUsd).HasPrecision(14, 2);
        b.Property(d => d.Version).IsRowVersion();
        b.Ignore(d => d.SeatsLeft);
        b.HasOne<Tour>().WithMany().HasForeignKey(d => d.TourId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => new { d.TourId, d.StartDate });
    }
}

internal sealed class DepartureBookingConfiguration : IEntityTypeConfiguration<DepartureBooking>
{
    public void Configure(EntityTypeBuilder<DepartureBooking> b)
    {
        b.ToTable("departure_bookings", t => t.HasCheckConstraint("ck_departure_bookings_seats", "seats > 0"));
        b.HasOne<Departure>().WithMany().HasForeignKey(x => x.DepartureId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Deal>().WithMany().HasForeignKey(x => x.DealId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.DepartureId, x.DealId }).IsUnique();
        b.HasIndex(x => x.DealId);
    }
}

internal sealed class PartnerConfiguration : IEntityTypeConfiguration<Partner>
{
    public void Configure(EntityTypeBuilder<Partner> b)
    {
        b.ToTable("partners", t => t.HasCheckConstraint("ck_partners_rating", "rating IS NULL OR (rating >= 0 AND rating <= 5)"));
        b.Property(p => p.Type).HasConversion<string>().HasMaxLength(20);
        b.Property(p => p.Name).HasMaxLength(200);
        b.Property(p => p.ContactPerson).HasMaxLength(200);
        b.Property(p => p.WhatsAppPhone).HasMaxLength(20);
        b.Property(p => p.Rates).HasMaxLength(4000);
        b.Property(p => p.Notes).HasMaxLength(4000);
        b.Property(p => p.Rating).HasPrecision(3, 2);
        b.Property(p => p.Version).IsRowVersion();
        b.HasOne<Organization>().WithMany().HasForeignKey(p => p.OrgId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(p => new { p.OrgId, p.Type });
        b.HasIndex(p => p.Name).HasMethod("gin").HasOperators("gin_trgm_ops").HasDatabaseName("ix_partners_name_trgm");
    }
}

internal sealed class DealPartnerConfiguration : IEntityTypeConfiguration<DealPartner>
{
    public void Configure(EntityTypeBuilder<DealPartner> b)
    {
        b.ToTable("deal_partners");
        b.Property(p => p.Note).HasMaxLength(1000);
        b.HasOne<Deal>().WithMany().HasForeignKey(p => p.DealId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Partner>().WithMany().HasForeignKey(p => p.PartnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(p => new { p.DealId, p.PartnerId }).IsUnique();
        b.HasIndex(p => p.PartnerId);
    }
}
