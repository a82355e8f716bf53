using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Infrastructure.Data.Configurations;

internal sealed class ChannelConfiguration : IEntityTypeConfiguration<Channel>
{
    public void Configure(EntityTypeBuilder<Channel> b)
    {
        b.ToTable("channels");
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Mode).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.State).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Name).HasMaxLength(100);
        b.Property(c => c.Phone).HasMaxLength(20);
        b.Property(c => c.StateReason).HasMaxLength(1000);
        b.HasOne<Organization>().WithMany().HasForeignKey(c => c.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> b)
    {
        b.ToTable("conversations");
        b.Property(c => c.ExternalChatId).HasMaxLength(100);
        b.Property(c => c.Title).HasMaxLength(200);
        b.Property(c => c.Holder).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.HolderReason).HasMaxLength(500);
        b.Property(c => c.LastMessagePreview).HasMaxLength(200);
        b.Property(c => c.Version).IsRowVersion();
        b.HasOne<Channel>().WithMany().HasForeignKey(c => c.ChannelId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Client>().WithMany().HasForeignKey(c => c.ClientId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Domain.Partners.Partner>().WithMany().HasForeignKey(c => c.PartnerId).OnDelete(DeleteBehavior.Cascade);
        b.ToTable(t => t.HasCheckConstraint("ck_conversations_client_or_partner", "num_nonnulls(client_id, partner_id) = 1"));
        b.HasIndex(c => c.PartnerId).HasFilter("partner_id IS NOT NULL");
        b.HasIndex(c => new { c.ChannelId, c.ExternalChatId }).IsUnique();
        b.HasIndex(c => new { c.OrgId, c.Holder, c.LastMessageAt });
        b.HasIndex(c => new { c.OrgId, c.LastMessageAt });
        b.HasIndex(c => c.ClientId);
    }
}

internal sealed class HolderChangeConfiguration : IEntityTypeConfiguration<HolderChange>
{
    public void Configure(EntityTypeBuilder<HolderChange> b)
    {
        b.ToTable("holder_changes");
        b.Property(c => c.From).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.To).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.ActorType).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Reason).HasMaxLength(500);
        b.Property(c => c.ActorName).HasMaxLength(256);
        b.HasOne<Conversation>().WithMany().HasForeignKey(c => c.ConversationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.ConversationId, c.At });
    }
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> b)
    {
        b.ToTable("messages");
        b.Property(m => m.Direction).HasConversion<string>().HasMaxLength(10);
        b.Property(m => m.Author).HasConversion<string>().HasMaxLength(10);
        b.Property(m => m.Status).HasConversion<string>().HasMaxLength(10);
        b.Property(m => m.AuthorName).HasMaxLength(200);
        b.Property(m => m.ExternalId).HasMaxLength(200);
        b.Property(m => m.Fingerprint).HasMaxLength(64);
        b.Property(m => m.Error).HasMaxLength(1000);
        b.ComplexCollection(m => m.Attachments, a => a.ToJson());
        b.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        // The same message delivered twice is stored once.
        b.HasIndex(m => new { m.ChannelId, m.ExternalId }).IsUnique().HasFilter("external_id IS NOT NULL");
        b.HasIndex(m => new { m.ConversationId, m.Fingerprint }).IsUnique().HasFilter("fingerprint IS NOT NULL");
        b.HasIndex(m => new { m.ConversationId, m.SentAt, m.Id });
    }
}

internal sealed class OutboxEntryConfiguration : IEntityTypeConfiguration<OutboxEntry>
{
    public void Configure(EntityTypeBuilder<OutboxEntry> b)
    {
        b.ToTable("outbox");
        b.Property(o => o.Status).HasConversion<string>().HasMaxLength(10);
        b.Property(o => o.ChatId).HasMaxLength(100);
        b.Property(o => o.LockedBy).HasMaxLength(100);
        b.Property(o => o.LastError).HasMaxLength(1000);
        b.HasOne<Message>().WithMany().HasForeignKey(o => o.MessageId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(o => o.MessageId).IsUnique();
        b.HasIndex(o => new { o.OrgId, o.Status, o.NextAttemptAt });
    }
}

internal sealed class InboundEnvelopeConfiguration : IEntityTypeConfiguration<InboundEnvelope>
{
    public void Configure(EntityTypeBuilder<InboundEnvelope> b)
    {
        b.ToTable("inbound_envelopes");
        b.Property(e => e.Status).HasConversion<string>().HasMaxLength(10);
        b.Property(e => e.ExternalId).HasMaxLength(200);
        b.Property(e => e.Payload).HasColumnType("jsonb");
        b.Property(e => e.Error).HasMaxLength(2000);
        b.HasOne<Channel>().WithMany().HasForeignKey(e => e.ChannelId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.ChannelId, e.ExternalId }).IsUnique();
        b.HasIndex(e => new { e.OrgId, e.Status });
    }
}

internal sealed class CannedReplyConfiguration : IEntityTypeConfiguration<CannedReply>
{
    public void Configure(EntityTypeBuilder<CannedReply> b)
    {
        b.ToTable("canned_replies");
        b.Property(c => c.Shortcut).HasMaxLength(50);
        b.Property(c => c.Text).HasMaxLength(4000);
        b.HasIndex(c => new { c.OrgId, c.OwnerUserId, c.Shortcut }).IsUnique();
    }
}

internal sealed class OrgRegistryConfiguration : IEntityTypeConfiguration<Tenancy.OrgRegistryEntry>
{
    public void Configure(EntityTypeBuilder<Tenancy.OrgRegistryEntry> b)
    {
        b.ToTable("org_registry");
        b.HasKey(r => r.Id);
    }
}

internal sealed class ChannelEventConfiguration : IEntityTypeConfiguration<ChannelEvent>
{
    public void Configure(EntityTypeBuilder<ChannelEvent> b)
    {
        b.ToTable("channel_events");
        b.Property(e => e.State).HasConversion<string>().HasMaxLength(20);
        b.Property(e => e.Text).HasMaxLength(1000);
        b.HasOne<Channel>().WithMany().HasForeignKey(e => e.ChannelId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.ChannelId, e.At });
    }
}
