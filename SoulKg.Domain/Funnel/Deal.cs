using SoulKg.Domain.Auditing;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Funnel;

public enum DealStatus
{
    Open = 0,
    Won = 1,
    Lost = 2,
}

/// <summary>One trip request of a client, moving through the organisation's funnel.</summary>
public sealed class Deal : IOrgOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid ClientId { get; set; }
    public string? Title { get; set; }
    public Guid StageId { get; set; }
    public DealStatus Status { get; set; }
    public DateTimeOffset StageEnteredAt { get; set; }

    /// <summary>Position within the stage column; the board keeps manual order.</summary>
    public double SortOrder { get; set; }

    public List<Guid> TourIds { get; set; } = [];
    public TravelDates Travel { get; set; } = new();
    public int Adults { get; set; }
    public int Children { get; set; }
    public decimal? BudgetAmount { get; set; }
    public string? BudgetCurrency { get; set; }
    public string? Wishes { get; set; }
    public string? Accommodation { get; set; }
    public string? PickupCity { get; set; }
    public string? Region { get; set; }
    public Clients.ClientSource Source { get; set; }
    public Guid? ResponsibleUserId { get; set; }
    public decimal? ValueAmount { get; set; }
    public string? ValueCurrency { get; set; }
    public DateOnly? ExpectedCloseDate { get; set; }
    public Guid? LostReasonId { get; set; }
    public string? LostNote { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Set by import: the stage was suggested from the chat and a person should confirm it.</summary>
    public bool NeedsStageReview { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public uint Version { get; set; }

    public int GroupSize => Adults + Children;

    public Money? Budget => BudgetAmount is { } amount && BudgetCurrency is { } currency ? new Money(amount, currency) : null;

    public Money? Value => ValueAmount is { } amount && ValueCurrency is { } currency ? new Money(amount, currency) : null;
}

/// <summary>
/// When the client wants to travel: exact dates when known, otherwise a month (and year) or the client's own words
/// ("следующим летом").
/// </summary>
public sealed record TravelDates
{
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public int? Month { get; init; }
    public int? Year { get; init; }
    public string? Text { get; init; }

    public bool IsEmpty => From is null && To is null && Month is null && string.IsNullOrWhiteSpace(Text);

    /// <summary>The month travel starts in, for filters: from the exact start date or the given month.</summary>
    public int? StartMonth => From?.Month ?? Month;
}

/// <summary>A recorded move of a deal: kept forever, whoever made it.</summary>
public sealed class DealStageChange : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid DealId { get; set; }
    public Guid? FromStageId { get; set; }
    public Guid ToStageId { get; set; }
    public DealStatus FromStatus { get; set; }
    public DealStatus ToStatus { get; set; }
    public string? Reason { get; set; }
    public ActorType ActorType { get; set; }
    public Guid? ActorId { get; set; }
    public string? ActorName { get; set; }
    public DateTimeOffset At { get; set; }
}
