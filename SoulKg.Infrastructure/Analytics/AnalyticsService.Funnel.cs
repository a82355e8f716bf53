using Npgsql;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Funnel;

namespace SoulKg.Infrastructure.Analytics;

public sealed partial class AnalyticsService
{
    public Task<FunnelMetrics> FunnelAsync(AnalyticsFilter filter, CancellationToken ct = default) =>
        RunAsync("funnel", filter, async (sql, connection, token) =>
        {
            var stages = await sql.ListAsync(connection,
                """SELECT id, name, color, "order", is_archived FROM funnel_stages ORDER BY "order", name""",
                r => new StageRow(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetBoolean(4)), token);
            var cohort = await CohortAsync(sql, connection, token);
            var times = await StageTimesAsync(sql, connection, token);
            var lost = await sql.ListAsync(connection, $"""
                SELECT d.lost_reason_id, r.name, count(*), sum({AnalyticsSql.Amount("d", "KGS")}), sum({AnalyticsSql.Amount("d", "USD")})
                FROM deals d LEFT JOIN lost_reasons r ON r.id = d.lost_reason_id
                WHERE d.status = 'Lost' AND {AnalyticsSql.InPeriod("d.closed_at")}{sql.DealFilters("d")}
                GROUP BY d.lost_reason_id, r.name
                ORDER BY count(*) DESC, r.name
                """,
                r => new LostReasonFigure(AnalyticsSql.Guid(r, 0), AnalyticsSql.String(r, 1) ?? "—", (int)r.GetInt64(2),
                    new MoneyTotals(AnalyticsSql.Decimal(r, 3), AnalyticsSql.Decimal(r, 4))), token);
            var won = await sql.ListAsync(connection, $"""
                SELECT {AnalyticsSql.Month("d.closed_at")}, count(*), sum({AnalyticsSql.Amount("d", "KGS")}), sum({AnalyticsSql.Amount("d", "USD")})
                FROM deals d
                WHERE d.status = 'Won' AND {AnalyticsSql.InPeriod("d.closed_at")}{sql.DealFilters("d")}
                GROUP BY 1
                """,
                r => new MonthFigure(r.GetFieldValue<DateOnly>(0), (int)r.GetInt64(1), new MoneyTotals(AnalyticsSql.Decimal(r, 2), AnalyticsSql.Decimal(r, 3))), token);
            return Funnel(sql.Filter, stages, cohort, times, lost, won);
        }, ct);

    /// <summary>
    /// The cohort (deals created in the period) grouped as finely as the funnel figures need: by status, current stage,
    /// lead month, source and the furthest stage order the deal ever reached (its history, or its current stage for
    /// deals created without history, e.g. bulk loads).
    /// </summary>
    private static Task<List<CohortGroup>> CohortAsync(AnalyticsSql sql, NpgsqlConnection connection, CancellationToken ct) =>
        sql.ListAsync(connection, $"""
            WITH d AS MATERIALIZED (
                SELECT d.* FROM deals d WHERE {AnalyticsSql.InPeriod("d.created_at")}{sql.DealFilters("d")}
            ), reach AS (
                -- One grouped pass over the cohort's history (a lookup per deal would probe the index once per stage row).
                SELECT h.deal_id, max(s."order") AS max_order
                FROM deal_stage_changes h JOIN funnel_stages s ON s.id = h.to_stage_id
                WHERE h.deal_id IN (SELECT id FROM d)
                GROUP BY h.deal_id
            )
            SELECT d.status, d.stage_id, {AnalyticsSql.Month("d.created_at")}, d.source, GREATEST(cs."order", r.max_order),
                   count(*), sum({AnalyticsSql.Amount("d", "KGS")}), sum({AnalyticsSql.Amount("d", "USD")})
            FROM d JOIN funnel_stages cs ON cs.id = d.stage_id LEFT JOIN reach r ON r.deal_id = d.id
            GROUP BY 1, 2, 3, 4, 5
            """,
            r => new CohortGroup(Enum.Parse<DealStatus>(r.GetString(0)), r.GetGuid(1), r.GetFieldValue<DateOnly>(2),
                Enum.TryParse<ClientSource>(r.GetString(3), out var source) ? source : ClientSource.Other, r.GetInt32(4), (int)r.GetInt64(5),
                new MoneyTotals(AnalyticsSql.Decimal(r, 6), AnalyticsSql.Decimal(r, 7))), ct);

    /// <summary>
    /// A visit to a stage starts with a history row that leaves the deal open on it (created, moved, reopened) and ends
    /// with the deal's next history row (moved on, won or lost). Visits still going on are not counted.
    /// </summary>
    private static Task<List<(Guid StageId, TimeStat Time)>> StageTimesAsync(AnalyticsSql sql, NpgsqlConnection connection, CancellationToken ct) =>
        sql.ListAsync(connection, $"""
            SELECT v.stage_id, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY v.seconds), avg(v.seconds)
            FROM (
                SELECT h.to_stage_id AS stage_id, h.to_status,
                       {AnalyticsSql.Seconds("h.at", "lead(h.at) OVER (PARTITION BY h.deal_id ORDER BY h.at, h.id)")} AS seconds
                FROM deal_stage_changes h JOIN deals d ON d.id = h.deal_id
                WHERE {AnalyticsSql.InPeriod("d.created_at")}{sql.DealFilters("d")}
            ) v
            WHERE v.to_status = 'Open' AND v.seconds IS NOT NULL
            GROUP BY v.stage_id
            """,
            r => (r.GetGuid(0), AnalyticsSql.Time(r, 1, 2, 3)), ct);

    private static FunnelMetrics Funnel(
        AnalyticsFilter filter, List<StageRow> stages, List<CohortGroup> cohort, List<(Guid StageId, TimeStat Time)> times,
        List<LostReasonFigure> lost, List<MonthFigure> won)
    {
        var open = cohort.Where(g => g.Status == DealStatus.Open).GroupBy(g => g.StageId)
            .ToDictionary(g => g.Key, g => (Count: g.Sum(x => x.Count), Amount: g.Aggregate(MoneyTotals.Zero, (sum, x) => sum.Plus(x.Amount))));
        var stageFigures = stages.Where(s => !s.IsArchived || open.ContainsKey(s.Id))
            .Select(s => open.TryGetValue(s.Id, out var o)
                ? new StageFigure(s.Id, s.Name, s.Color, s.Order, s.IsArchived, o.Count, o.Amount)
                : new StageFigure(s.Id, s.Name, s.Color, s.Order, s.IsArchived, 0, MoneyTotals.Zero))
            .ToList();

        var active = stages.Where(s => !s.IsArchived).ToList();
        int Reached(IEnumerable<CohortGroup> groups, StageRow stage) => groups.Where(g => g.MaxOrder >= stage.Order).Sum(g => g.Count);
        var reached = active.Select(s => Reached(cohort, s)).ToList();
        var conversions = active.Zip(active.Skip(1), (a, b) => (a, b)).Select((pair, i) =>
            new ConversionStep(pair.a.Id, pair.a.Name, pair.b.Id, pair.b.Name, reached[i], reached[i + 1], AnalyticsSql.Rate(reached[i + 1], reached[i])))
            .ToList();

        var deals = cohort.Sum(g => g.Count);
        var wonCohort = Closed(cohort, DealStatus.Won);
        var cohorts = cohort.GroupBy(g => g.Month).OrderBy(g => g.Key).Select(month =>
        {
            var size = month.Sum(g => g.Count);
            var monthWon = month.Where(g => g.Status == DealStatus.Won).Sum(g => g.Count);
            return new CohortRow(month.Key, size, active.Select(s => Reached(month, s)).ToList(), monthWon, AnalyticsSql.Rate(monthWon, size));
        }).ToList();

        var sources = cohort.GroupBy(g => g.Source).Select(source =>
        {
            var size = source.Sum(g => g.Count);
            var sourceWon = source.Where(g => g.Status == DealStatus.Won).ToList();
            return new SourceFigure(source.Key, size, sourceWon.Sum(g => g.Count), source.Where(g => g.Status == DealStatus.Lost).Sum(g => g.Count),
                AnalyticsSql.Rate(sourceWon.Sum(g => g.Count), size), sourceWon.Aggregate(MoneyTotals.Zero, (sum, x) => sum.Plus(x.Amount)));
        }).OrderByDescending(s => s.Deals).ThenBy(s => s.Source).ToList();

        var names = stages.ToDictionary(s => s.Id);
        var stageTimes = times.Where(t => names.ContainsKey(t.StageId)).OrderBy(t => names[t.StageId].Order)
            .Select(t => new StageTime(t.StageId, names[t.StageId].Name, t.Time)).ToList();

        var wonByMonth = won.ToDictionary(m => m.Month);
        var months = filter.Months().Select(m => wonByMonth.GetValueOrDefault(m) ?? new MonthFigure(m, 0, MoneyTotals.Zero)).ToList();

        return new FunnelMetrics(
            deals, stageFigures, wonCohort, Closed(cohort, DealStatus.Lost), conversions,
            reached.Count > 1 ? AnalyticsSql.Rate(reached[^1], reached[0]) : null,
            AnalyticsSql.Rate(wonCohort.Count, deals), cohorts, stageTimes, lost, sources, months);
    }

    private static ClosedFigure Closed(List<CohortGroup> cohort, DealStatus status)
    {
        var groups = cohort.Where(g => g.Status == status).ToList();
        return new ClosedFigure(groups.Sum(g => g.Count), groups.Aggregate(MoneyTotals.Zero, (sum, x) => sum.Plus(x.Amount)));
    }

    private sealed record StageRow(Guid Id, string Name, string Color, int Order, bool IsArchived);

    private sealed record CohortGroup(DealStatus Status, Guid StageId, DateOnly Month, ClientSource Source, int MaxOrder, int Count, MoneyTotals Amount);
}
