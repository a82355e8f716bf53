using SoulKg.Domain;
using SoulKg.Domain.Clients;

namespace SoulKg.Infrastructure.Analytics;

/// <summary>
/// What the dashboard looks at: a period of whole days in Asia/Bishkek (both ends included) and optional filters on
/// the deal (responsible, tour, source). Conversation figures apply the same filters through the chat's client.
/// </summary>
public sealed record AnalyticsFilter(DateOnly From, DateOnly To, Guid? ResponsibleUserId = null, Guid? TourId = null, ClientSource? Source = null)
{
    /// <summary>The longest period a query may span: three years of daily data is still one index range.</summary>
    public const int MaxDays = 3 * 366;

    /// <summary>The first instant of <see cref="From"/> in Bishkek, in UTC.</summary>
    public DateTimeOffset FromUtc => StartOfDay(From);

    /// <summary>The first instant after <see cref="To"/> in Bishkek, in UTC (exclusive).</summary>
    public DateTimeOffset ToUtc => StartOfDay(To.AddDays(1));

    public bool HasDealFilters => ResponsibleUserId is not null || TourId is not null || Source is not null;

    /// <summary>The default: the current month and the five before it, up to today.</summary>
    public static AnalyticsFilter Default(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(BishkekTime.ToLocal(now).DateTime);
        return new AnalyticsFilter(new DateOnly(today.Year, today.Month, 1).AddMonths(-5), today);
    }

    /// <summary>First days of every month the period touches, in order.</summary>
    public IReadOnlyList<DateOnly> Months()
    {
        var months = new List<DateOnly>();
        for (var month = new DateOnly(From.Year, From.Month, 1); month <= To; month = month.AddMonths(1))
        {
            months.Add(month);
        }

        return months;
    }

    private static DateTimeOffset StartOfDay(DateOnly day) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), BishkekTime.Zone), TimeSpan.Zero);
}
