using SoulKg.Domain.Funnel;

namespace SoulKg.Domain.FollowUps;

public enum PlanAction
{
    /// <summary>The rule has nothing to say: leave whatever is pending.</summary>
    Keep = 0,
    Schedule = 1,
    Cancel = 2,
}

public sealed record FollowUpPlan(FollowUpKind Kind, PlanAction Action, DateTimeOffset? DueAt, string Reason)
{
    public static FollowUpPlan Keep(FollowUpKind kind) => new(kind, PlanAction.Keep, null, "");
}

/// <summary>What the quiet-client rule needs to know about a chat and its client's open deal.</summary>
public sealed record ConversationFacts(StageKind? Stage, bool DealOpen, DateTimeOffset? LastOurMessageAt, DateTimeOffset? LastInboundAt);

public sealed record DealFacts(StageKind Stage, DealStatus Status, TravelDates Travel);

/// <summary>
/// When follow-ups are due, computed only from the facts (never from "now" except to drop what is already past), so
/// every app instance that reacts to the same change plans the same follow-up, and planning again is a no-op.
/// Local times are Asia/Bishkek: nobody wants a reminder at 4 am.
/// </summary>
public static class FollowUpRules
{
    public static readonly TimeOnly BeforeTripAt = new(10, 0);
    public static readonly TimeOnly AfterTripAt = new(12, 0);
    public static readonly TimeOnly RepeatSaleAt = new(11, 0);

    /// <summary>Months before next season's travel month that the repeat-sale offer goes out.</summary>
    public const int RepeatSaleMonthsAhead = 2;

    public static FollowUpPlan QuietClient(ConversationFacts facts, int quietHours, DateTimeOffset now)
    {
        if (!facts.DealOpen || facts.Stage is not (StageKind.Warming or StageKind.Proposal))
        {
            return new(FollowUpKind.QuietClient, PlanAction.Cancel, null, "Сделка не на этапе «Прогрев» или «Предложение»");
        }

        if (facts.LastOurMessageAt is not { } ours)
        {
            return FollowUpPlan.Keep(FollowUpKind.QuietClient);
        }

        if (facts.LastInboundAt is { } inbound && inbound >= ours)
        {
            return new(FollowUpKind.QuietClient, PlanAction.Cancel, null, "Клиент ответил");
        }

        var due = ours.AddHours(quietHours);
        return due > now
            ? new(FollowUpKind.QuietClient, PlanAction.Schedule, due, $"Клиент молчит {quietHours} ч после нашего сообщения")
            : FollowUpPlan.Keep(FollowUpKind.QuietClient);
    }

    public static IReadOnlyList<FollowUpPlan> ForDeal(DealFacts deal, int beforeTripDays, DateTimeOffset now) =>
        [BeforeTrip(deal, beforeTripDays, now), AfterTrip(deal, now), RepeatSale(deal, now)];

    public static FollowUpPlan BeforeTrip(DealFacts deal, int days, DateTimeOffset now)
    {
        if (deal.Status == DealStatus.Lost)
        {
            return new(FollowUpKind.BeforeTrip, PlanAction.Cancel, null, "Сделка закрыта как отказ");
        }

        if (!Booked(deal) || deal.Travel.From is not { } from)
        {
            return FollowUpPlan.Keep(FollowUpKind.BeforeTrip);
        }

        var due = Local(from.AddDays(-days), BeforeTripAt);
        return due > now
            ? new(FollowUpKind.BeforeTrip, PlanAction.Schedule, due, $"За {days} дн. до поездки {from:dd.MM.yyyy}")
            : FollowUpPlan.Keep(FollowUpKind.BeforeTrip);
    }

    public static FollowUpPlan AfterTrip(DealFacts deal, DateTimeOffset now)
    {
        if (deal.Status == DealStatus.Lost)
        {
            return new(FollowUpKind.AfterTrip, PlanAction.Cancel, null, "Сделка закрыта как отказ");
        }

        if (!(Booked(deal) || deal.Stage == StageKind.Feedback) || (deal.Travel.To ?? deal.Travel.From) is not { } end)
        {
            return FollowUpPlan.Keep(FollowUpKind.AfterTrip);
        }

        var due = Local(end.AddDays(1), AfterTripAt);
        return due > now
            ? new(FollowUpKind.AfterTrip, PlanAction.Schedule, due, $"Отзыв после поездки, вернулись {end:dd.MM.yyyy}")
            : FollowUpPlan.Keep(FollowUpKind.AfterTrip);
    }

    /// <summary>Next season: <see cref="RepeatSaleMonthsAhead"/> months before the month they travelled, the first year that is still ahead.</summary>
    public static FollowUpPlan RepeatSale(DealFacts deal, DateTimeOffset now)
    {
        var travelled = deal.Status == DealStatus.Won || deal.Stage is StageKind.Feedback or StageKind.RepeatSale;
        if (deal.Status == DealStatus.Lost || !travelled || deal.Travel.StartMonth is not { } month)
        {
            return FollowUpPlan.Keep(FollowUpKind.RepeatSale);
        }

        var year = (deal.Travel.From?.Year ?? deal.Travel.Year ?? BishkekTime.ToLocal(now).Year) + 1;
        var offer = new DateOnly(year, month, 1).AddMonths(-RepeatSaleMonthsAhead);
        var due = Local(offer, RepeatSaleAt);
        while (due <= now)
        {
            offer = offer.AddYears(1);
            due = Local(offer, RepeatSaleAt);
        }

        return new(FollowUpKind.RepeatSale, PlanAction.Schedule, due, $"Новый сезон: поездка в {month:00}.{offer.AddMonths(RepeatSaleMonthsAhead).Year}");
    }

    private static bool Booked(DealFacts deal) => deal.Status == DealStatus.Won || deal.Stage is StageKind.Sale or StageKind.Service;

    private static DateTimeOffset Local(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time);
        return new DateTimeOffset(local, BishkekTime.Zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
