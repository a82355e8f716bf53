using SoulKg.Domain.Agents;

namespace SoulKg.Infrastructure.Agents;

/// <summary>The state of one run that the tools read and change: whose chat, which deal, which agent now, and what to do after the reply.</summary>
public sealed class AgentRunScope
{
    public required Guid OrgId { get; init; }
    public required Guid ConversationId { get; init; }
    public required Guid ClientId { get; init; }
    public required Guid DealId { get; set; }
    public required string TraceId { get; init; }
    public required AgentKind Agent { get; set; }
    public required AgentSettings Settings { get; set; }

    /// <summary>
    /// A trial from the settings screen works on this in-memory request instead of a real deal: tools read the
    /// catalogue but write nothing, and nothing is sent.
    /// </summary>
    public Crm.DealDetails? TrialDeal { get; set; }

    public bool IsTrial => TrialDeal is not null;

    public string TrialLanguage { get; set; } = Domain.Languages.Russian;

    public (HandoffReason Reason, string Note)? PendingHandoff { get; set; }
    public List<AgentHandover> Handovers { get; } = [];
}
