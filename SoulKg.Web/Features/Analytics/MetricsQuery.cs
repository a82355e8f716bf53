using System.ComponentModel;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using SoulKg.Domain.Clients;
using SoulKg.Infrastructure.Analytics;

namespace SoulKg.Web.Features.Analytics;

/// <summary>The filters every <c>/metrics</c> endpoint and CSV download takes. Omitted dates give the last six months.</summary>
public sealed record MetricsQuery(
    [property: FromQuery(Name = "from"), Description("First day of the period (Asia/Bishkek), e.g. 2026-09-01; default: the first day of the month five months ago")] DateOnly? From,
    [property: FromQuery(Name = "to"), Description("Last day of the period, included (Asia/Bishkek); default: today")] DateOnly? To,
    [property: FromQuery(Name = "responsibleUserId"), Description("Only deals (and clients' chats) this person is responsible for")] Guid? ResponsibleUserId,
    [property: FromQuery(Name = "tourId"), Description("Only deals with this tour (and chats of clients with such a deal)")] Guid? TourId,
    [property: FromQuery(Name = "source"), Description("Only deals (and clients' chats) from this source")] ClientSource? Source)
{
    public AnalyticsFilter ToFilter(DateTimeOffset now)
    {
        var fallback = AnalyticsFilter.Default(now);
        // With only a start, the period runs to today but never past the longest allowed span.
        var to = To ?? (From is { } from ? DateOnly.FromDayNumber(Math.Clamp(fallback.To.DayNumber, from.DayNumber, from.DayNumber + AnalyticsFilter.MaxDays - 1)) : fallback.To);
        var start = From ?? new DateOnly(to.Year, to.Month, 1).AddMonths(-5);
        return new AnalyticsFilter(start, to, ResponsibleUserId, TourId, Source);
    }

    /// <summary>The same filters as a query string, for links to the CSV downloads.</summary>
    public static string QueryString(AnalyticsFilter filter)
    {
        var parts = new List<string> { $"from={filter.From:yyyy-MM-dd}", $"to={filter.To:yyyy-MM-dd}" };
        if (filter.ResponsibleUserId is { } responsible)
        {
            parts.Add($"responsibleUserId={responsible}");
        }

        if (filter.TourId is { } tour)
        {
            parts.Add($"tourId={tour}");
        }

        if (filter.Source is { } source)
        {
            parts.Add($"source={source}");
        }

        return string.Join('&', parts);
    }
}

public sealed class MetricsQueryValidator : AbstractValidator<MetricsQuery>
{
    private static readonly DateOnly Earliest = new(2000, 1, 1);
    private static readonly DateOnly Latest = new(2100, 12, 31);

    public MetricsQueryValidator()
    {
        RuleFor(q => q.From).InclusiveBetween(Earliest, Latest).When(q => q.From is not null)
            .OverridePropertyName("from").WithMessage("Начало периода: дата между 2000-01-01 и 2100-12-31.");
        RuleFor(q => q.To).InclusiveBetween(Earliest, Latest).When(q => q.To is not null)
            .OverridePropertyName("to").WithMessage("Конец периода: дата между 2000-01-01 и 2100-12-31.");
        RuleFor(q => q.To).Must((q, to) => to >= q.From).When(q => q.From is not null && q.To is not null)
            .OverridePropertyName("to").WithMessage("Конец периода раньше начала.");
        RuleFor(q => q.To).Must((q, to) => to!.Value.DayNumber - q.From!.Value.DayNumber < AnalyticsFilter.MaxDays)
            .When(q => q.From is not null && q.To is not null && q.To >= q.From)
            .OverridePropertyName("to").WithMessage($"Период — не длиннее {AnalyticsFilter.MaxDays} дней.");
        RuleFor(q => q.ResponsibleUserId).NotEqual(Guid.Empty).OverridePropertyName("responsibleUserId").WithMessage("Неверный ответственный.");
        RuleFor(q => q.TourId).NotEqual(Guid.Empty).OverridePropertyName("tourId").WithMessage("Неверный тур.");
        RuleFor(q => q.Source).IsInEnum().OverridePropertyName("source").WithMessage("Неизвестный источник.");
    }
}
