using SoulKg.Domain.Conversations;
using SoulKg.Domain.Funnel;

namespace SoulKg.Infrastructure.Import;

/// <summary>What one run looks up once instead of once per file: the channel per kind, the funnel, the top of each column.</summary>
internal sealed class ImportLookups
{
    public Dictionary<ChannelKind, Guid> Channels { get; } = [];
    public List<FunnelStage>? Stages { get; set; }
    public Dictionary<Guid, double> TopSortOrder { get; } = [];
}
