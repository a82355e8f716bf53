using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Funnel;

namespace SoulKg.Infrastructure.Analytics;

// The dashboard's range scans, kept beside the queries that need them (EF merges these with each entity's main
// configuration). Cohort figures use the existing (org_id, created_at, id) index of deals and (deal_id, at) of the
// stage history.

/// <summary>Won and lost in a period: the deals closed between two instants, per status.</summary>
internal sealed class DealAnalyticsIndexes : IEntityTypeConfiguration<Deal>
{
    public void Configure(EntityTypeBuilder<Deal> b) =>
        b.HasIndex(d => new { d.OrgId, d.Status, d.ClosedAt }).HasFilter("closed_at IS NOT NULL").HasDatabaseName("ix_deals_analytics_closed");
}

/// <summary>Closes and handoffs in a period.</summary>
internal sealed class HolderChangeAnalyticsIndexes : IEntityTypeConfiguration<HolderChange>
{
    public void Configure(EntityTypeBuilder<HolderChange> b) =>
        b.HasIndex(c => new { c.OrgId, c.To, c.At }).HasDatabaseName("ix_holder_changes_analytics_to_at");
}

/// <summary>The period's messages (waits and replies, messages per person).</summary>
internal sealed class MessageAnalyticsIndexes : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> b) =>
        b.HasIndex(m => new { m.OrgId, m.SentAt }).HasDatabaseName("ix_messages_analytics_sent_at");
}
