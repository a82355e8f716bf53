using Bunit;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Infrastructure.Analytics;
using SoulKg.Tests.Components;
using SoulKg.Web.Features.Analytics;

namespace SoulKg.Tests.Analytics;

/// <summary>The dashboard's presentational parts: what a person reads for given figures, and where each CSV button points.</summary>
public sealed class AnalyticsFiguresRenderTests : MudTestContext
{
    private const string Query = "from=2026-09-01&to=2026-10-31&source=Instagram";
    private static readonly Guid NewLead = Guid.NewGuid();
    private static readonly Guid Qualification = Guid.NewGuid();

    [Fact]
    public void FunnelShowsConversionsCohortsAndStageTimesInRussian()
    {
        var cut = Render<FunnelFigures>(p => p.Add(c => c.Metrics, Funnel()).Add(c => c.Query, Query));

        cut.Find("[data-testid=funnel-summary]").TextContent.ShouldContain("Выиграно: 1 (25,0 %)");
        cut.Find("[data-testid=conversions] tbody tr").TextContent.ShouldSatisfyAllConditions(
            t => t.ShouldContain("Новый лид → Квалификация"),
            t => t.ShouldContain("4 → 3"),
            t => t.ShouldContain("75,0 %"));
        cut.Find("[data-testid=cohorts] tbody tr").TextContent.ShouldContain("3 (75,0 %)");
        cut.Find("[data-testid=stage-times] tbody tr").TextContent.ShouldSatisfyAllConditions(
            t => t.ShouldContain("3 ч 0 мин"),
            t => t.ShouldContain("1 д 2 ч"));
        cut.Find("[data-testid=figure-funnel-won-by-month]").TextContent.ShouldContain("50\u00A0000 сом · $1\u00A0000");
    }

    [Fact]
    public void EveryFunnelFigureDownloadsItsOwnCsvWithTheFilters()
    {
        var cut = Render<FunnelFigures>(p => p.Add(c => c.Metrics, Funnel()).Add(c => c.Query, Query));

        var links = cut.FindAll("a[data-testid=csv]").Select(a => a.GetAttribute("href")).ToList();

        links.ShouldBe(AnalyticsTables.Figures[AnalyticsTables.Funnel].Select(f => $"/analytics/export/funnel/{f}.csv?{Query}"), ignoreOrder: true);
        cut.FindAll("a[data-testid=csv]").ShouldAllBe(a => a.HasAttribute("download"));
    }

    [Fact]
    public void AgentsShowAgentAndPersonSideBySide()
    {
        var metrics = new AgentMetrics(
            new ResponseSplit(new TimeStat(2, 45, 45), new TimeStat(1, 300, 300), 1),
            new ResponseSplit(new TimeStat(4, 60, 67.5), new TimeStat(2, 240, 240), 2),
            new ResolutionFigure(2, 1, 0.5),
            [new HandoffFigure(Holder.WaitingForHuman, "Клиент просит человека", 2, 1, new TimeStat(1, 240, 240))],
            new TimeStat(1, 240, 240), 1,
            [new AgentRunFigure(AgentKind.Qualification, 4, 2, 1, 0, 1, 0.25, new TimeStat(4, 1.5, 2))],
            new AgentRunFigure(null, 4, 2, 1, 0, 1, 0.25, new TimeStat(4, 1.5, 2)),
            [new FollowUpFigure(FollowUpKind.QuietClient, 2, 1, 0.5, new TimeStat(1, 3600, 3600), 1, 0)],
            new FollowUpFigure(null, 2, 1, 0.5, new TimeStat(1, 3600, 3600), 1, 0));

        var cut = Render<AgentFigures>(p => p.Add(c => c.Metrics, metrics).Add(c => c.Query, Query));

        var first = cut.Find("[data-testid=response-times] tbody tr").TextContent;
        first.ShouldContain("45 с (2)");
        first.ShouldContain("5 мин (1)");
        cut.Find("[data-testid=resolution-share]").TextContent.ShouldBe("50,0 %");
        cut.Find("[data-testid=handoffs] tbody tr").TextContent.ShouldContain("агент позвал человека");
        var run = cut.Find("[data-testid=agent-runs] tbody tr").TextContent;
        run.ShouldContain("Квалификация");
        run.ShouldContain("25,0 %");
        cut.Find("[data-testid=follow-ups] tbody tr").TextContent.ShouldContain("50,0 %");
    }

    private static FunnelMetrics Funnel() => new(
        Deals: 4,
        Stages: [new StageFigure(NewLead, "Новый лид", "#90A4AE", 0, false, 1, MoneyTotals.Zero), new StageFigure(Qualification, "Квалификация", "#4FC3F7", 1, false, 2, new MoneyTotals(0, 900))],
        Won: new ClosedFigure(1, new MoneyTotals(50_000, 1_000)),
        Lost: new ClosedFigure(0, MoneyTotals.Zero),
        Conversions: [new ConversionStep(NewLead, "Новый лид", Qualification, "Квалификация", 4, 3, 0.75)],
        OverallConversion: 0.75,
        WinRate: 0.25,
        Cohorts: [new CohortRow(new DateOnly(2026, 9, 1), 4, [4, 3], 1, 0.25)],
        StageTimes: [new StageTime(NewLead, "Новый лид", new TimeStat(4, 3 * 3600, 26 * 3600))],
        LostReasons: [],
        Sources: [new SourceFigure(ClientSource.Instagram, 4, 1, 0, 0.25, new MoneyTotals(50_000, 1_000))],
        WonByMonth: [new MonthFigure(new DateOnly(2026, 9, 1), 1, new MoneyTotals(50_000, 1_000)), new MonthFigure(new DateOnly(2026, 10, 1), 0, MoneyTotals.Zero)]);
}
