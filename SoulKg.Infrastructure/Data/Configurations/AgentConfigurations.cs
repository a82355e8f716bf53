using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Infrastructure.Data.Configurations;

/// <summary>
/// Agent settings, tool calls and handovers are stored as jsonb documents: they are read and written whole, never
/// queried by field, and a version must keep exactly what was saved even when the settings type grows.
/// </summary>
internal static class AgentJson
{
    // Tool arguments and results are read by people in the run journal: Cyrillic stays readable instead of \uXXXX
    // (Blazor encodes it for HTML when shown; nothing embeds this JSON in a page raw).
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() }, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static PropertyBuilder<T> AsJson<T>(this PropertyBuilder<T> property) where T : class =>
        property.HasColumnType("jsonb").HasConversion(
            v => JsonSerializer.Serialize(v, Options),
            s => JsonSerializer.Deserialize<T>(s, Options)!,
            new ValueComparer<T>(
                (a, b) => JsonSerializer.Serialize(a, Options) == JsonSerializer.Serialize(b, Options),
                v => JsonSerializer.Serialize(v, Options).GetHashCode(StringComparison.Ordinal),
                v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, Options), Options)!));
}

internal sealed class AgentConfigConfiguration : IEntityTypeConfiguration<AgentConfig>
{
    public void Configure(EntityTypeBuilder<AgentConfig> b)
    {
        b.ToTable("agent_configs");
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Settings).AsJson();
        b.Property(c => c.Version).IsRowVersion();
        b.HasOne<Organization>().WithMany().HasForeignKey(c => c.OrgId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.OrgId, c.Kind }).IsUnique();
    }
}

internal sealed class AgentConfigVersionConfiguration : IEntityTypeConfiguration<AgentConfigVersion>
{
    public void Configure(EntityTypeBuilder<AgentConfigVersion> b)
    {
        b.ToTable("agent_config_versions");
        b.Property(v => v.Settings).AsJson();
        b.Property(v => v.Changes).AsJson();
        b.Property(v => v.Comment).HasMaxLength(500);
        b.Property(v => v.AuthorName).HasMaxLength(256);
        b.HasOne<AgentConfig>().WithMany().HasForeignKey(v => v.AgentConfigId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(v => new { v.AgentConfigId, v.Number }).IsUnique();
    }
}

internal sealed class AgentRunConfiguration : IEntityTypeConfiguration<AgentRun>
{
    public void Configure(EntityTypeBuilder<AgentRun> b)
    {
        b.ToTable("agent_runs");
        b.Property(r => r.TraceId).HasMaxLength(64);
        b.Property(r => r.Agent).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.AgentName).HasMaxLength(60);
        b.Property(r => r.Provider).HasMaxLength(40);
        b.Property(r => r.Model).HasMaxLength(100);
        b.Property(r => r.Input).HasMaxLength(4096);
        b.Property(r => r.Output).HasMaxLength(8192);
        b.Property(r => r.Error).HasMaxLength(2000);
        b.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.HandoffReason).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.ToolCalls).AsJson();
        b.Property(r => r.Handovers).AsJson();
        b.HasOne<Conversation>().WithMany().HasForeignKey(r => r.ConversationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.OrgId, r.StartedAt });
        b.HasIndex(r => new { r.ConversationId, r.StartedAt });
        b.HasIndex(r => r.TraceId);
    }
}
