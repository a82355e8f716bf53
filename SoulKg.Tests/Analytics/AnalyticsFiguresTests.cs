using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Analytics;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.TestInfrastructure;
using static SoulKg.Tests.Analytics.AnalyticsHistory;

namespace SoulKg.Tests.Analytics;

/// <summary>
/// Every dashboard figure against a history written with exact timestamps (docs/analytics.md has the definitions;
/// the expected numbers are worked out by hand in the comments). The period is September–October 2026 in Bishkek.
/// </summary>
public sealed class AnalyticsFiguresTests(SoulKgWebFactory app) : IClassFixture<SoulKgWebFactory>
{
    private static readonly AnalyticsFilter Period = new(new DateOnly(2026, 9, 1), new DateOnly(2026, 10, 31));
    private const int Hour = 3600;

    [Fact]
    public async Task FunnelCountsStagesConversionsCohortsAndWinRate()
    {
        var known = await SeedAsync();

        var funnel = await FunnelAsync(known.Owner, Period);

        // Cohort: D1 (1 Sep 01:00, at the period's first hour in Bishkek), D2, D3, D4, D6; D5 came in August, D7 on 1 November.
        funnel.Deals.ShouldBe(5);
        funnel.Won.ShouldBe(new ClosedFigure(1, new MoneyTotals(50_000, 0)));
        funnel.Lost.ShouldBe(new ClosedFigure(2, new MoneyTotals(20_000, 800)));
        funnel.Stages.Select(s => s.Open).ShouldBe([1, 0, 0, 1, 0, 0, 0, 0, 0]);
        funnel.Stages[3].Amount.ShouldBe(new MoneyTotals(0, 1_000));
        funnel.Stages[0].Amount.ShouldBe(MoneyTotals.Zero);

        // Reached (furthest stage ever): D1→2, D2→1, D3→3 (skipped 1 and 2), D4→0, D6→0.
        funnel.Conversions.Select(c => c.FromReached).ShouldBe([5, 3, 2, 1, 0, 0, 0, 0]);
        funnel.Conversions.Select(c => c.Rate).ShouldBe([3 / 5.0, 2 / 3.0, 1 / 2.0, 0.0, null, null, null, null]);
        funnel.Conversions[0].FromStageId.ShouldBe(known.History.Stages[0].Id);
        funnel.Conversions[0].ToStageId.ShouldBe(known.History.Stages[1].Id);
        funnel.OverallConversion.ShouldBe(0.0);
        funnel.WinRate.ShouldBe(0.2);

        funnel.Cohorts.Count.ShouldBe(2);
        funnel.Cohorts[0].ShouldSatisfyAllConditions(
            c => c.Month.ShouldBe(new DateOnly(2026, 9, 1)),
            c => c.Deals.ShouldBe(2),
            c => c.Reached.ShouldBe([2, 2, 1, 0, 0, 0, 0, 0, 0]),
            c => c.Won.ShouldBe(1),
            c => c.WinRate.ShouldBe(0.5));
        funnel.Cohorts[1].ShouldSatisfyAllConditions(
            c => c.Month.ShouldBe(new DateOnly(2026, 10, 1)),
            c => c.Deals.ShouldBe(3),
            c => c.Reached.ShouldBe([3, 1, 1, 1, 0, 0, 0, 0, 0]),
            c => c.Won.ShouldBe(0),
            c => c.WinRate.ShouldBe(0.0));
    }

    [Fact]
    public async Task FunnelTimesReasonsSourcesAndWonByMonth()
    {
        var known = await SeedAsync();

        var funnel = await FunnelAsync(known.Owner, Period);

        // Finished visits: stage 0 — D3 1 h, D1 2 h, D2 4 h, D6 8 h; stage 1 — D1 4 h, D2 6 h; stage 2 — D1 24 h.
        funnel.StageTimes.Select(t => (t.StageId, t.Time)).ShouldBe([
            (known.History.Stages[0].Id, new TimeStat(4, 3.0 * Hour, 3.75 * Hour)),
            (known.History.Stages[1].Id, new TimeStat(2, 5.0 * Hour, 5.0 * Hour)),
            (known.History.Stages[2].Id, new TimeStat(1, 24.0 * Hour, 24.0 * Hour)),
        ]);

        // Lost in the period: D2 (budget $800, no value) and D6 (20 000 som).
        funnel.LostReasons.Select(r => (r.Name, r.Count, r.Amount)).ShouldBe([
            ("Дорого", 1, new MoneyTotals(0, 800)),
            ("Не отвечает", 1, new MoneyTotals(20_000, 0)),
        ]);

        funnel.Sources.ShouldBe([
            new SourceFigure(ClientSource.WhatsApp, 3, 1, 1, 1 / 3.0, new MoneyTotals(50_000, 0)),
            new SourceFigure(ClientSource.Instagram, 1, 0, 1, 0.0, MoneyTotals.Zero),
            new SourceFigure(ClientSource.Referral, 1, 0, 0, 0.0, MoneyTotals.Zero),
        ]);

        // Won in September: D1 (created in the period) and D5 (created in August); none in October.
        funnel.WonByMonth.ShouldBe([
            new MonthFigure(new DateOnly(2026, 9, 1), 2, new MoneyTotals(80_000, 0)),
            new MonthFigure(new DateOnly(2026, 10, 1), 0, MoneyTotals.Zero),
        ]);
    }

    [Fact]
    public async Task FunnelFiltersByResponsibleTourAndSource()
    {
        var known = await SeedAsync();

        var mine = await FunnelAsync(known.Owner, Period with { ResponsibleUserId = known.Sales.UserId });
        var tour = await FunnelAsync(known.Owner, Period with { TourId = known.Tour });
        var instagram = await FunnelAsync(known.Owner, Period with { Source = ClientSource.Instagram });

        mine.Deals.ShouldBe(3); // D1, D3, D6
        mine.WinRate.ShouldBe(1 / 3.0);
        mine.WonByMonth[0].ShouldBe(new MonthFigure(new DateOnly(2026, 9, 1), 2, new MoneyTotals(80_000, 0)));
        mine.LostReasons.ShouldHaveSingleItem().Name.ShouldBe("Не отвечает");
        tour.Deals.ShouldBe(1); // D1
        tour.WonByMonth[0].ShouldBe(new MonthFigure(new DateOnly(2026, 9, 1), 1, new MoneyTotals(50_000, 0)));
        instagram.Deals.ShouldBe(1); // D2
        instagram.Lost.Count.ShouldBe(1);
        instagram.WonByMonth.Sum(m => m.Count).ShouldBe(0);
    }

    [Fact]
    public async Task PeopleShowDealsChatsReplyTimesAndWorkloadNow()
    {
        var known = await SeedAsync();

        var people = await PeopleAsync(known.Owner, Period);

        var sales = people.Users.Single(u => u.UserId == known.Sales.UserId);
        var owner = people.Users.Single(u => u.UserId == known.Owner.UserId);
        people.Users.Count.ShouldBe(2);
        sales.ShouldBe(new UserFigure(known.Sales.UserId, "Sales Тестов", true, 3, 2, new MoneyTotals(80_000, 0), 1, 1, new TimeStat(1, 180, 180), 1, 0));
        owner.ShouldBe(new UserFigure(known.Owner.UserId, "Владелец Тестов", true, 1, 0, MoneyTotals.Zero, 1, 1, new TimeStat(1, 300, 300), 0, 1));
        // Open now: D3, D4 and D7 (D7 came after the period; "now" ignores the period); D4 and D7 have nobody.
        people.Now.ShouldBe(new WorkloadNow(ChatsWithAgent: 0, ChatsWaitingForPerson: 1, ChatsWithPeople: 1, OpenDeals: 3, OpenDealsUnassigned: 2));
    }

    [Fact]
    public async Task AgentsVersusPeopleResponseResolutionAndHandoffs()
    {
        var known = await SeedAsync();

        var agents = await AgentsAsync(known.Owner, Period);

        // First answers: C1 agent 30 s, C2 agent 60 s, C3 a person 300 s, C4 none.
        agents.FirstResponse.ShouldBe(new ResponseSplit(new TimeStat(2, 45, 45), new TimeStat(1, 300, 300), 1));
        // Every wait: agent 30, 120, 60, 60 (the dropped reply does not count); people 180, 300; C3's second and C4's unanswered.
        agents.Replies.ShouldBe(new ResponseSplit(new TimeStat(4, 60, 67.5), new TimeStat(2, 240, 240), 2));
        // Closed in the period: C1 (a person took part) and C2 (the agent alone).
        agents.Resolution.ShouldBe(new ResolutionFigure(2, 1, 0.5));
        agents.Handoffs.ShouldBe([
            new HandoffFigure(Holder.WaitingForHuman, "Клиент просит человека", 2, 1, new TimeStat(1, 240, 240)),
            new HandoffFigure(Holder.Human, "Оператор взял чат", 1, 1, new TimeStat(1, 240, 240)),
        ]);
        agents.HandoffToHumanReply.ShouldBe(new TimeStat(2, 240, 240));
        agents.HandoffsUnanswered.ShouldBe(1);
    }

    [Fact]
    public async Task ChatFiguresFollowTheClientsResponsible()
    {
        var known = await SeedAsync();

        var agents = await AgentsAsync(known.Owner, Period with { ResponsibleUserId = known.Sales.UserId });
        var people = await PeopleAsync(known.Owner, Period with { ResponsibleUserId = known.Sales.UserId });

        // Only C1's client belongs to the sales person.
        agents.FirstResponse.ShouldBe(new ResponseSplit(new TimeStat(1, 30, 30), TimeStat.None, 0));
        agents.Resolution.ShouldBe(new ResolutionFigure(1, 0, 0.0));
        people.Users.ShouldHaveSingleItem().UserId.ShouldBe(known.Sales.UserId);
    }

    [Fact]
    public async Task AnotherOrganisationSeesOnlyItsOwnFigures()
    {
        var known = await SeedAsync();
        var other = await app.CreateOrgAsync();
        var theirs = await new AnalyticsHistory(app, other.OrgId).LoadAsync();
        var client = theirs.Client("Чужой клиент");
        theirs.Deal(client, Bishkek(2026, 9, 5, 12), value: 1, valueCurrency: "USD").Win(Bishkek(2026, 9, 6, 12));
        theirs.Chat(client, Bishkek(2026, 9, 5, 12)).Client(Bishkek(2026, 9, 5, 12)).Agent(Bishkek(2026, 9, 5, 12, 0, 10));
        await theirs.SaveAsync();

        var ours = await FunnelAsync(known.Owner, Period);
        var their = await FunnelAsync(other, Period);
        var theirAgents = await AgentsAsync(other, Period);

        ours.Deals.ShouldBe(5);
        ours.WonByMonth[0].Count.ShouldBe(2);
        their.Deals.ShouldBe(1);
        their.WonByMonth[0].ShouldBe(new MonthFigure(new DateOnly(2026, 9, 1), 1, new MoneyTotals(0, 1)));
        theirAgents.FirstResponse.ShouldBe(new ResponseSplit(new TimeStat(1, 10, 10), TimeStat.None, 0));
        (await PeopleAsync(other, Period)).Users.ShouldHaveSingleItem().UserId.ShouldBe(other.UserId);
    }

    [Fact]
    public async Task AgentRunsAndFollowUpsSentAndRepliedTo()
    {
        var owner = await app.CreateOrgAsync();
        var h = await new AnalyticsHistory(app, owner.OrgId).LoadAsync();
        var t = Bishkek(2026, 9, 10, 10);
        var (f1, f2, f3) = (t.AddDays(1), t.AddDays(3), t.AddDays(5));
        h.Chat(h.Client("Айгуль"), t)
            .Client(t)
            .Run(AgentKind.Qualification, AgentRunOutcome.Replied, t, 1_000)
            .Run(AgentKind.Qualification, AgentRunOutcome.Failed, t.AddHours(1), 3_000)
            .Run(AgentKind.Sales, AgentRunOutcome.HandedOff, t.AddHours(2), 2_000)
            .Run(AgentKind.Sales, AgentRunOutcome.Running, t.AddHours(3), 0)
            .Run(AgentKind.Qualification, AgentRunOutcome.Replied, Bishkek(2026, 8, 20, 10), 500) // before the period
            .FollowUp(FollowUpKind.QuietClient, FollowUpStatus.Sent, f1).Client(f1.AddHours(2))
            .FollowUp(FollowUpKind.QuietClient, FollowUpStatus.Sent, f2)
            .FollowUp(FollowUpKind.QuietClient, FollowUpStatus.Skipped, t.AddDays(4))
            .FollowUp(FollowUpKind.BeforeTrip, FollowUpStatus.Sent, f3).Client(f3.AddMinutes(30)) // answers f3, not f2: f3 came between
            .FollowUp(FollowUpKind.BeforeTrip, FollowUpStatus.Failed, t.AddDays(6))
            .FollowUp(FollowUpKind.QuietClient, FollowUpStatus.Sent, Bishkek(2026, 11, 1, 0, 30)); // after the period
        await h.SaveAsync();

        var agents = await AgentsAsync(owner, Period);

        // Qualification: latencies 1 s and 3 s; Sales: one finished run (2 s) and one still running.
        agents.Runs.ShouldBe([
            new AgentRunFigure(AgentKind.Qualification, 2, 1, 0, 0, 1, 0.5, new TimeStat(2, 2, 2)),
            new AgentRunFigure(AgentKind.Sales, 2, 0, 1, 0, 0, 0.0, new TimeStat(1, 2, 2)),
        ]);
        agents.RunsTotal.ShouldBe(new AgentRunFigure(null, 4, 1, 1, 0, 1, 1 / 3.0, new TimeStat(3, 2, 2)));

        // Replies: f1 after 2 h, f3 after 30 min; f2 got none before f3 was sent.
        agents.FollowUps.ShouldBe([
            new FollowUpFigure(FollowUpKind.QuietClient, 2, 1, 0.5, new TimeStat(1, 2.0 * Hour, 2.0 * Hour), 1, 0),
            new FollowUpFigure(FollowUpKind.BeforeTrip, 1, 1, 1.0, new TimeStat(1, 1800, 1800), 0, 1),
        ]);
        agents.FollowUpsTotal.ShouldBe(new FollowUpFigure(null, 3, 2, 2 / 3.0, new TimeStat(2, 4500, 4500), 1, 1));
    }

    [Fact]
    public async Task FiguresFollowTheDataAsItChanges()
    {
        var known = await SeedAsync();
        var before = await FunnelAsync(known.Owner, Period);

        var more = await new AnalyticsHistory(app, known.Owner.OrgId).LoadAsync();
        more.Deal(more.Client("Новый"), Bishkek(2026, 10, 20, 10)).Win(Bishkek(2026, 10, 21, 10));
        await more.SaveAsync();
        var stale = await FunnelAsync(known.Owner, Period);
        await app.Services.GetRequiredService<AnalyticsCache>().WhenRefreshedAsync(known.Owner.OrgId);
        var after = await FunnelAsync(known.Owner, Period);

        // The read right after the change gets the snapshot it already had, and starts the recomputation.
        stale.ShouldBeSameAs(before);
        before.Deals.ShouldBe(5);
        after.Deals.ShouldBe(6);
        after.WinRate.ShouldBe(2 / 6.0);
        after.WonByMonth[1].Count.ShouldBe(1);
    }

    private sealed record Known(TestAccount Owner, TestAccount Sales, Guid Tour, AnalyticsHistory History);

    /// <summary>The history the expected figures in this class are worked out from.</summary>
    private async Task<Known> SeedAsync()
    {
        var owner = await app.CreateOrgAsync();
        var sales = await app.CreateUserAsync(owner, OrgRole.Sales);
        var tour = Guid.NewGuid();
        var h = await new AnalyticsHistory(app, owner.OrgId).LoadAsync();
        var c1 = h.Client("Айгуль", sales.UserId);
        var c2 = h.Client("Бакыт", owner.UserId, ClientSource.Instagram);
        var c3 = h.Client("Нурлан", owner.UserId);
        var c4 = h.Client("Елена");

        // D1: 1 Sep 01:00 Bishkek is still 31 Aug in UTC; it belongs to September.
        var d1 = Bishkek(2026, 9, 1, 1);
        h.Deal(c1, d1, responsible: sales.UserId, value: 50_000, valueCurrency: "KGS", tour: tour)
            .Move(1, d1.AddHours(2)).Move(2, d1.AddHours(6)).Win(d1.AddHours(30));
        var d2 = Bishkek(2026, 9, 20, 10);
        h.Deal(c2, d2, ClientSource.Instagram, owner.UserId, budget: 800, budgetCurrency: "USD")
            .Move(1, d2.AddHours(4)).Lose("Дорого", d2.AddHours(10));
        var d3 = Bishkek(2026, 10, 5, 10);
        h.Deal(c1, d3, responsible: sales.UserId, value: 1_000, valueCurrency: "USD").Move(3, d3.AddHours(1));
        h.Deal(c4, Bishkek(2026, 10, 6, 10), ClientSource.Referral);
        h.Deal(c1, Bishkek(2026, 8, 20, 10), responsible: sales.UserId, value: 30_000, valueCurrency: "KGS").Win(Bishkek(2026, 9, 15, 12));
        var d6 = Bishkek(2026, 10, 10, 10);
        h.Deal(c3, d6, responsible: sales.UserId, value: 20_000, valueCurrency: "KGS").Lose("Не отвечает", d6.AddHours(8));
        h.Deal(c4, Bishkek(2026, 11, 1, 0, 30)); // D7: after the period in Bishkek, though still 31 Oct in UTC

        var t1 = Bishkek(2026, 9, 12, 10);
        h.Chat(c1, t1)
            .Client(t1).Agent(t1.AddSeconds(30))
            .Client(t1.AddMinutes(5)).Client(t1.AddMinutes(6)).Agent(t1.AddMinutes(7))
            .Hold(Holder.WaitingForHuman, t1.AddMinutes(8), "Клиент просит человека")
            .Client(t1.AddMinutes(9))
            .Hold(Holder.Human, t1.AddMinutes(10), "Оператор взял чат", sales.UserId)
            .Person(sales.UserId, t1.AddMinutes(12))
            .Hold(Holder.Closed, t1.AddHours(1), "Закрыт");
        var t2 = Bishkek(2026, 9, 21, 12);
        h.Chat(c2, t2)
            .Client(t2).Agent(t2.AddMinutes(1))
            .Client(t2.AddMinutes(10)).Agent(t2.AddMinutes(10).AddSeconds(10), MessageStatus.Dropped).Agent(t2.AddMinutes(11))
            .Hold(Holder.Closed, t2.AddHours(1), "Закрыт");
        var t3 = Bishkek(2026, 10, 5, 9);
        h.Chat(c3, t3)
            .Client(t3)
            .Hold(Holder.Human, t3.AddMinutes(1), "Оператор взял чат", owner.UserId)
            .Person(owner.UserId, t3.AddMinutes(5)).Note(owner.UserId, t3.AddMinutes(6))
            .Client(t3.AddMinutes(20));
        var t4 = Bishkek(2026, 10, 6, 9, 59);
        h.Chat(c4, t4).Client(t4).Hold(Holder.WaitingForHuman, t4.AddMinutes(1), "Клиент просит человека");
        await h.SaveAsync();
        return new Known(owner, sales, tour, h);
    }

    private Task<FunnelMetrics> FunnelAsync(TestAccount account, AnalyticsFilter filter) => WithServiceAsync(account, s => s.FunnelAsync(filter));

    private Task<PeopleMetrics> PeopleAsync(TestAccount account, AnalyticsFilter filter) => WithServiceAsync(account, s => s.PeopleAsync(filter));

    private Task<AgentMetrics> AgentsAsync(TestAccount account, AnalyticsFilter filter) => WithServiceAsync(account, s => s.AgentsAsync(filter));

    private async Task<T> WithServiceAsync<T>(TestAccount account, Func<AnalyticsService, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetUser(account.OrgId, account.UserId, account.Role, "Тест");
        return await query(scope.ServiceProvider.GetRequiredService<AnalyticsService>());
    }
}
