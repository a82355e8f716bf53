using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Infrastructure.FollowUps;

internal sealed class FollowUpConfiguration : IEntityTypeConfiguration<FollowUp>
{
    public void Configure(EntityTypeBuilder<FollowUp> b)
    {
        b.ToTable("follow_ups");
        b.Property(f => f.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(f => f.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(f => f.CreatedByType).HasConversion<string>().HasMaxLength(20);
        b.Property(f => f.Text).HasMaxLength(4096);
        b.Property(f => f.Reason).HasMaxLength(500);
        b.Property(f => f.CreatedByName).HasMaxLength(256);
        b.Property(f => f.TraceId).HasMaxLength(100);
        b.Property(f => f.Outcome).HasMaxLength(500);
        b.HasOne<Conversation>().WithMany().HasForeignKey(f => f.ConversationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Client>().WithMany().HasForeignKey(f => f.ClientId).OnDelete(DeleteBehavior.Cascade);
        // One pending follow-up per conversation and kind: scheduling again replaces, and two racing writers cannot both win.
        b.HasIndex(f => new { f.ConversationId, f.Kind }).IsUnique().HasFilter("status = 'Pending'");
        b.HasIndex(f => new { f.ClientId, f.DueAt });
        b.HasIndex(f => new { f.OrgId, f.Status, f.DueAt });
    }
}

internal sealed class FollowUpSettingsConfiguration : IEntityTypeConfiguration<FollowUpSettings>
{
    public void Configure(EntityTypeBuilder<FollowUpSettings> b)
    {
        b.ToTable("follow_up_settings");
        b.HasKey(s => s.OrgId);
        b.HasOne<Organization>().WithMany().HasForeignKey(s => s.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}
