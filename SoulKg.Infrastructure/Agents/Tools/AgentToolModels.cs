namespace SoulKg.Infrastructure.Agents.Tools;

/// <summary>What read_context and update_trip_request return: the client and the trip request as the agent should see them.</summary>
public sealed record TripContext(
    string ClientName, string Language, string StageKind, string StageName, Guid DealId, int Adults, int Children, int? Month, int? Year,
    DateOnly? From, DateOnly? To, string? TravelText, decimal? BudgetAmount, string? BudgetCurrency, string? Region, string? Wishes,
    IReadOnlyList<Guid> TourIds, IReadOnlyList<string> Missing)
{
    public const string MissingDates = "dates";
    public const string MissingGroup = "group";
    public const string MissingBudget = "budget";
    public const string MissingRegion = "region";
}

public sealed record DepartureOption(Guid Id, DateOnly Start, DateOnly? End, int SeatsLeft, decimal? PriceUsd, decimal? PriceKgs);

public sealed record TourOption(
    Guid TourId, string Name, string? NameEn, string Region, int Days, decimal? PriceUsd, decimal? PriceKgs, decimal? ChildPriceUsd,
    decimal? ChildPriceKgs, IReadOnlyList<DepartureOption> Departures);

public sealed record SearchResult(IReadOnlyList<TourOption> Tours, string Criteria);

public sealed record ToolAnswer(bool Ok, string Message);

/// <summary>What ask_partner returns: whether a partner of the type was asked (or already had been), who, and by when they answer.</summary>
public sealed record PartnerRequest(bool Ok, string Message, string PartnerType, string? PartnerName, DateTimeOffset? AnswerBy);
