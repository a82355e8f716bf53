using SoulKg.Domain.Handoffs;
using SoulKg.Domain.Partners;
using SoulKg.Infrastructure.Conversations;

namespace SoulKg.Infrastructure.Handoffs;

public sealed record HandoffItem(
    Guid Id, Guid DealId, Guid PartnerId, string PartnerName, PartnerType PartnerType, HandoffStatus Status, HandoffCard Card,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RemindedAt, DateTimeOffset? RespondedAt, HandoffChannel? RespondedVia,
    string? Reason, Guid? NextHandoffId, string? CreatedByName, uint Version);

/// <summary>A new handoff with its one-time link: the link is shown once (to copy) and never stored.</summary>
public sealed record CreatedHandoff(HandoffItem Handoff, string Link);

public sealed record HandoffDetails(HandoffItem Handoff, IReadOnlyList<MessageItem> Messages);

public sealed record HandoffQuery
{
    public Guid? DealId { get; init; }
    public Guid? PartnerId { get; init; }
    public HandoffStatus? Status { get; init; }
}

/// <summary>A partner worth asking for a deal, with the reasons, best first.</summary>
public sealed record PartnerSuggestion(
    Guid PartnerId, string Name, PartnerType Type, IReadOnlyList<string> Regions, IReadOnlyList<string> Languages, decimal? Rating,
    double Score, double? AcceptanceRate, double? AverageResponseMinutes, bool Busy, bool AlreadyAsked, IReadOnlyList<string> Reasons);

/// <summary>How a partner answers: acceptance rate over answered-or-expired requests, response time over their own answers.</summary>
public sealed record PartnerHandoffStats(
    Guid PartnerId, int Total, int Accepted, int Declined, int Expired, int Pending, double? AcceptanceRate, double? AverageResponseMinutes);

/// <summary>What the partner's page (no account) shows: the card, and the client's phone only once accepted.</summary>
public sealed record PublicHandoff(string OrgName, HandoffStatus Status, HandoffCard Card, DateTimeOffset ExpiresAt, bool IsExpired, string? ClientPhone, string? Reason);
