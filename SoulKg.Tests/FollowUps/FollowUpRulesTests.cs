using SoulKg.Domain;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Funnel;

namespace SoulKg.Tests.FollowUps;

public sealed class FollowUpRulesTests
{
    // 25 May 2026, 12:00 in Bishkek (UTC+6).
    private static readonly DateTimeOffset Now = new(2026, 5, 25, 6, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(StageKind.Warming)]
    [InlineData(StageKind.Proposal)]
    public void QuietClientIsDueHoursAfterOurUnansweredMessage(StageKind stage)
    {
        var ours = Now.AddMinutes(-10);

        var plan = FollowUpRules.QuietClient(new ConversationFacts(stage, true, ours, ours.AddHours(-1)), 24, Now);

        plan.Action.ShouldBe(PlanAction.Schedule);
        plan.DueAt.ShouldBe(ours.AddHours(24));
    }

    [Fact]
    public void QuietClientIsCancelledOnceTheClientAnswered()
    {
        var plan = FollowUpRules.QuietClient(new ConversationFacts(StageKind.Warming, true, Now.AddHours(-2), Now.AddHours(-1)), 24, Now);

        plan.Action.ShouldBe(PlanAction.Cancel);
    }

    [Theory]
    [InlineData(StageKind.Qualification, true)]
    [InlineData(StageKind.Negotiation, true)]
    [InlineData(StageKind.Warming, false)]
    public void QuietClientIsCancelledOutsideWarmingAndProposalOrWithoutAnOpenDeal(StageKind stage, bool open)
    {
        var plan = FollowUpRules.QuietClient(new ConversationFacts(stage, open, Now.AddMinutes(-5), null), 24, Now);

        plan.Action.ShouldBe(PlanAction.Cancel);
    }

    [Fact]
    public void QuietClientIsNotPlannedInThePastNorWithoutOurMessage()
    {
        FollowUpRules.QuietClient(new ConversationFacts(StageKind.Warming, true, Now.AddHours(-30), null), 24, Now).Action.ShouldBe(PlanAction.Keep);
        FollowUpRules.QuietClient(new ConversationFacts(StageKind.Warming, true, null, Now.AddHours(-1)), 24, Now).Action.ShouldBe(PlanAction.Keep);
    }

    [Fact]
    public void BeforeTripIsAtTenInBishkekTheGivenDaysBeforeABookedTrip()
    {
        var deal = new DealFacts(StageKind.Sale, DealStatus.Open, new TravelDates { From = new DateOnly(2026, 7, 10), To = new DateOnly(2026, 7, 14) });

        var plan = FollowUpRules.BeforeTrip(deal, 3, Now);

        plan.Action.ShouldBe(PlanAction.Schedule);
        plan.DueAt.ShouldBe(new DateTimeOffset(2026, 7, 7, 10, 0, 0, TimeSpan.FromHours(6)));
        BishkekTime.ToLocal(plan.DueAt!.Value).Hour.ShouldBe(10);
    }

    [Fact]
    public void BeforeTripWaitsForTheSaleAndIsDroppedWhenTooLateOrLost()
    {
        var travel = new TravelDates { From = new DateOnly(2026, 7, 10) };
        FollowUpRules.BeforeTrip(new DealFacts(StageKind.Proposal, DealStatus.Open, travel), 3, Now).Action.ShouldBe(PlanAction.Keep);
        FollowUpRules.BeforeTrip(new DealFacts(StageKind.Sale, DealStatus.Open, new TravelDates { From = new DateOnly(2026, 5, 26) }), 3, Now).Action.ShouldBe(PlanAction.Keep);
        FollowUpRules.BeforeTrip(new DealFacts(StageKind.Sale, DealStatus.Lost, travel), 3, Now).Action.ShouldBe(PlanAction.Cancel);
        FollowUpRules.BeforeTrip(new DealFacts(StageKind.Custom, DealStatus.Won, travel), 3, Now).Action.ShouldBe(PlanAction.Schedule);
    }

    [Fact]
    public void AfterTripIsTheDayAfterTheTripEnds()
    {
        var deal = new DealFacts(StageKind.Service, DealStatus.Open, new TravelDates { From = new DateOnly(2026, 7, 10), To = new DateOnly(2026, 7, 14) });

        var plan = FollowUpRules.AfterTrip(deal, Now);

        plan.Action.ShouldBe(PlanAction.Schedule);
        plan.DueAt.ShouldBe(new DateTimeOffset(2026, 7, 15, 12, 0, 0, TimeSpan.FromHours(6)));
    }

    [Fact]
    public void AfterTripUsesTheStartDateWhenThereIsNoEnd()
    {
        var deal = new DealFacts(StageKind.Sale, DealStatus.Open, new TravelDates { From = new DateOnly(2026, 8, 1) });

        FollowUpRules.AfterTrip(deal, Now).DueAt.ShouldBe(new DateTimeOffset(2026, 8, 2, 12, 0, 0, TimeSpan.FromHours(6)));
    }

    [Fact]
    public void RepeatSaleIsTwoMonthsBeforeTheSameMonthNextYear()
    {
        var deal = new DealFacts(StageKind.Feedback, DealStatus.Open, new TravelDates { From = new DateOnly(2025, 7, 10) });

        var plan = FollowUpRules.RepeatSale(deal, Now);

        // July 2026 is next season of a July 2025 trip, but its offer date (1 May 2026) has passed: the one after.
        plan.Action.ShouldBe(PlanAction.Schedule);
        plan.DueAt.ShouldBe(new DateTimeOffset(2027, 5, 1, 11, 0, 0, TimeSpan.FromHours(6)));
    }

    [Fact]
    public void RepeatSaleUsesTheMonthWhenThereAreNoDatesAndNeedsATrip()
    {
        var byMonth = new DealFacts(StageKind.RepeatSale, DealStatus.Open, new TravelDates { Month = 8, Year = 2026 });
        FollowUpRules.RepeatSale(byMonth, Now).DueAt.ShouldBe(new DateTimeOffset(2027, 6, 1, 11, 0, 0, TimeSpan.FromHours(6)));

        FollowUpRules.RepeatSale(new DealFacts(StageKind.Proposal, DealStatus.Open, new TravelDates { Month = 8 }), Now).Action.ShouldBe(PlanAction.Keep);
        FollowUpRules.RepeatSale(new DealFacts(StageKind.Feedback, DealStatus.Open, new TravelDates()), Now).Action.ShouldBe(PlanAction.Keep);
    }

    [Fact]
    public void PlanningTheSameFactsTwiceGivesTheSameDueTimes()
    {
        var deal = new DealFacts(StageKind.Sale, DealStatus.Won, new TravelDates { From = new DateOnly(2026, 7, 10), To = new DateOnly(2026, 7, 14) });

        var first = FollowUpRules.ForDeal(deal, 3, Now);
        var later = FollowUpRules.ForDeal(deal, 3, Now.AddMinutes(17));

        later.ShouldBe(first);
    }

    [Theory]
    [InlineData("ru", "Здравствуйте, Айгуль!")]
    [InlineData("en", "Hello, Айгуль!")]
    [InlineData("ky", "Саламатсызбы, Айгуль!")]
    [InlineData("de", "Здравствуйте, Айгуль!")]
    public void TemplatesFollowTheClientsLanguage(string language, string greeting)
    {
        foreach (var kind in Enum.GetValues<FollowUpKind>())
        {
            FollowUpTemplates.Text(kind, language, "Айгуль").ShouldStartWith(greeting);
        }
    }

    [Fact]
    public void SettingsInputIsValidated()
    {
        var validator = new FollowUpSettingsInputValidator();
        validator.Validate(new FollowUpSettingsInput(24, 3, null)).IsValid.ShouldBeTrue();
        validator.Validate(new FollowUpSettingsInput(1, 60, 168)).IsValid.ShouldBeTrue();
        validator.Validate(new FollowUpSettingsInput(0, 3, null)).Errors.Select(e => e.PropertyName).ShouldBe(["QuietClientHours"]);
        validator.Validate(new FollowUpSettingsInput(24, 0, 0)).Errors.Select(e => e.PropertyName).ShouldBe(["BeforeTripDays", "AutoReturnAfterHours"]);
    }
}
