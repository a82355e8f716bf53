using SoulKg.Domain;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Funnel;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Infrastructure.Board;

/// <summary>What the funnel board shows. <see cref="Mine"/> wins over <see cref="ResponsibleUserId"/>.</summary>
public sealed record BoardFilter
{
    public bool Mine { get; init; }
    public Guid? ResponsibleUserId { get; init; }
    public Guid? TourId { get; init; }
    public ClientSource? Source { get; init; }
    public string? Tag { get; init; }
    public int? TravelMonth { get; init; }
    public string? Search { get; init; }

    /// <summary>Load the cards of the won and lost columns; their counts and sums are always there.</summary>
    public bool ShowClosed { get; init; } = true;

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => !Mine && ResponsibleUserId is null && TourId is null && Source is null && string.IsNullOrWhiteSpace(Tag)
        && TravelMonth is null && string.IsNullOrWhiteSpace(Search);
}

/// <summary>A board column: one per active stage for open deals, and one each for won and lost deals of every stage.</summary>
public readonly record struct ColumnKey(DealStatus Status, Guid? StageId)
{
    public static ColumnKey Won { get; } = new(DealStatus.Won, null);
    public static ColumnKey Lost { get; } = new(DealStatus.Lost, null);

    public static ColumnKey Open(Guid stageId) => new(DealStatus.Open, stageId);

    public static ColumnKey Of(DealStatus status, Guid stageId) => status == DealStatus.Open ? Open(stageId) : new(status, null);

    public bool IsClosed => Status != DealStatus.Open;

    /// <summary>A stable string for drop zones and test ids: the stage id, "won" or "lost".</summary>
    public override string ToString() => Status switch
    {
        DealStatus.Won => "won",
        DealStatus.Lost => "lost",
        _ => StageId!.Value.ToString(),
    };

    public static ColumnKey Parse(string value) => value switch
    {
        "won" => Won,
        "lost" => Lost,
        _ => Open(Guid.Parse(value)),
    };
}

/// <summary>
/// One card. <see cref="UnreadMessages"/> and <see cref="ChatHolder"/> are filled once conversations exist; until then
/// they stay empty and the card shows nothing for them.
/// </summary>
public sealed record BoardCard(
    Guid Id, Guid ClientId, string ClientName, string? Title, Guid StageId, DealStatus Status,
    IReadOnlyList<Guid> TourIds, TravelDates Travel, int Adults, int Children,
    decimal? BudgetAmount, string? BudgetCurrency, decimal? ValueAmount, string? ValueCurrency,
    Guid? ResponsibleUserId, ClientSource Source, bool NeedsStageReview, DateTimeOffset StageEnteredAt,
    DateTimeOffset? ClosedAt, Guid? LostReasonId, double SortOrder, uint Version)
{
    public int? UnreadMessages { get; init; }
    public string? ChatHolder { get; init; }

    public ColumnKey Column => ColumnKey.Of(Status, StageId);

    public int GroupSize => Adults + Children;

    public Money? Budget => BudgetAmount is { } amount && BudgetCurrency is { } currency ? new Money(amount, currency) : null;
}

/// <summary>Count and sums of a column over the whole filter: the deal value, or the budget while no value is set.</summary>
public sealed record ColumnTotals(int Count, decimal SumKgs, decimal SumUsd)
{
    public static ColumnTotals Empty { get; } = new(0, 0, 0);
}

public sealed record BoardColumnData(ColumnKey Key, ColumnTotals Totals, IReadOnlyList<BoardCard> Cards);

/// <summary>The board as of change number <see cref="Seq"/>: later changes arrive from the notifier.</summary>
public sealed record BoardData(long Seq, IReadOnlyList<StageItem> Stages, IReadOnlyList<BoardColumnData> Columns);

public sealed record BoardMember(Guid UserId, string Name);

public sealed record BoardTour(Guid Id, string Name);

/// <summary>What the filters, cards and dialogs name: people, tours, tags and lost reasons of the organisation.</summary>
public sealed record BoardLookups(
    IReadOnlyList<BoardMember> Members, IReadOnlyList<BoardTour> Tours, IReadOnlyList<string> Tags, IReadOnlyList<LostReasonItem> LostReasons);
