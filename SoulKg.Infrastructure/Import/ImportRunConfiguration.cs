using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SoulKg.Domain.Imports;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Infrastructure.Import;

internal sealed class ImportRunConfiguration : IEntityTypeConfiguration<ImportRun>
{
    public void Configure(EntityTypeBuilder<ImportRun> b)
    {
        b.ToTable("imports");
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(30);
        b.Property(r => r.Origin).HasConversion<string>().HasMaxLength(10);
        b.Property(r => r.StartedByName).HasMaxLength(256);
        b.Property(r => r.Report).HasColumnType("jsonb");
        b.HasOne<Organization>().WithMany().HasForeignKey(r => r.OrgId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.OrgId, r.CreatedAt });
        b.HasIndex(r => r.Status);
    }
}

internal sealed class ConversationParticipantConfiguration : IEntityTypeConfiguration<Domain.Conversations.ConversationParticipant>
{
    public void Configure(EntityTypeBuilder<Domain.Conversations.ConversationParticipant> b)
    {
        b.ToTable("conversation_participants");
        b.Property(p => p.DisplayName).HasMaxLength(200);
        b.HasOne<Domain.Conversations.Conversation>().WithMany().HasForeignKey(p => p.ConversationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Domain.Clients.Client>().WithMany().HasForeignKey(p => p.ClientId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(p => new { p.ConversationId, p.ClientId }).IsUnique();
        b.HasIndex(p => p.ClientId);
    }
}
