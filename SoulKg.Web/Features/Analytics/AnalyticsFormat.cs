using System.Globalization;
using SoulKg.Domain;
using SoulKg.Infrastructure.Analytics;

namespace SoulKg.Web.Features.Analytics;

/// <summary>How the dashboard writes its numbers in the current UI culture.</summary>
public static class AnalyticsFormat
{
    private static bool Russian => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName is "ru" or "ky";

    public static string Percent(double? rate) => rate is { } r ? r.ToString("P1", CultureInfo.CurrentCulture) : "—";

    /// <summary>"45 с", "12 мин", "3 ч 20 мин", "2 д 4 ч" — the two largest units are enough to compare.</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } s)
        {
            return "—";
        }

        var (sec, min, hour, day) = Russian ? ("с", "мин", "ч", "д") : ("s", "min", "h", "d");
        var t = TimeSpan.FromSeconds(Math.Round(s));
        return t.TotalMinutes < 1 ? $"{t.Seconds} {sec}"
            : t.TotalHours < 1 ? (t.Seconds == 0 ? $"{t.Minutes} {min}" : $"{t.Minutes} {min} {t.Seconds} {sec}")
            : t.TotalDays < 1 ? $"{t.Hours} {hour} {t.Minutes} {min}"
            : $"{(int)t.TotalDays} {day} {t.Hours} {hour}";
    }

    /// <summary>Both currencies side by side, each only when there is some: "50 000 сом · $1 000", or "—".</summary>
    public static string Money(MoneyTotals amount)
    {
        var parts = new List<string>();
        if (amount.Kgs != 0)
        {
            parts.Add(new Money(amount.Kgs, Domain.Money.Kgs).Format());
        }

        if (amount.Usd != 0)
        {
            parts.Add(new Money(amount.Usd, Domain.Money.Usd).Format());
        }

        return parts.Count == 0 ? "—" : string.Join(" · ", parts);
    }

    public static MudBlazor.ChartSeries<double> Series(string name, IEnumerable<double> values) =>
        new() { Name = name, Data = new MudBlazor.ChartData<double>(values.ToList()) };

    public static string Month(DateOnly month) =>
        month.ToDateTime(TimeOnly.MinValue).ToString("MMM yyyy", CultureInfo.CurrentUICulture);
}
