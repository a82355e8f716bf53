using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Handoffs;
using SoulKg.Domain.Partners;
using SoulKg.Infrastructure.Data;

namespace SoulKg.Infrastructure.Handoffs;

internal sealed class HandoffConfiguration : IEntityTypeConfiguration<Handoff>
{
    public void Configure(EntityTypeBuilder<Handoff> b)
    {
        b.ToTable("handoffs");
        b.Property(h => h.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(h => h.RespondedVia).HasConversion<string>().HasMaxLength(20);
        b.Property(h => h.TokenHash).HasMaxLength(64);
        b.Property(h => h.LinkBase).HasMaxLength(200);
        b.Property(h => h.Reason).HasMaxLength(500);
        b.Property(h => h.CreatedByName).HasMaxLength(256);
        b.Property(h => h.Version).IsRowVersion();
        b.ComplexProperty(h => h.Card, c => c.ToJson());
        b.HasOne<Deal>().WithMany().HasForeignKey(h => h.DealId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Partner>().WithMany().HasForeignKey(h => h.PartnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Conversation>().WithMany().HasForeignKey(h => h.ConversationId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(h => h.TokenHash).IsUnique();
        b.HasIndex(h => new { h.OrgId, h.DealId, h.CreatedAt });
        b.HasIndex(h => new { h.OrgId, h.PartnerId, h.CreatedAt });
        // The SLA sweep reads only open handoffs.
        b.HasIndex(h => new { h.OrgId, h.ExpiresAt }).HasFilter("status = 'Pending'").HasDatabaseName("ix_handoffs_pending");
    }
}

internal sealed class HandoffSettingsConfiguration : IEntityTypeConfiguration<HandoffSettings>
{
    public void Configure(EntityTypeBuilder<HandoffSettings> b)
    {
        b.ToTable("handoff_settings");
        b.Property(s => s.Escalation).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(s => s.OrgId).IsUnique();
    }
}

/// <summary>The handoff tables, without touching the shared context (they are in the model through their configurations).</summary>
public static class HandoffSets
{
    extension(SoulKgDbContext db)
    {
        public DbSet<Handoff> Handoffs => db.Set<Handoff>();
        public DbSet<HandoffSettings> HandoffSettings => db.Set<HandoffSettings>();
    }
}
