using Npgsql;
using SoulKg.Domain.Agents;
using SoulKg.Domain.FollowUps;

namespace SoulKg.Infrastructure.Analytics;

/// <summary>
/// What the automation did in the period: agent runs by agent and outcome, and follow-ups sent and whether the client
/// wrote back. Part of the agents group (same snapshot, same filters through the chat's client).
/// </summary>
public sealed partial class AnalyticsService
{
    /// <summary>Runs started in the period, per agent (and a total row): outcomes, failure rate, latency of finished runs.</summary>
    private static async Task<(List<AgentRunFigure> Runs, AgentRunFigure Total)> AgentRunsAsync(AnalyticsSql sql, NpgsqlConnection connection, CancellationToken ct)
    {
        var rows = await sql.ListAsync(connection, $"""
            SELECT r.agent, GROUPING(r.agent) = 1, count(*),
                   count(*) FILTER (WHERE r.outcome = 'Replied'), count(*) FILTER (WHERE r.outcome = 'HandedOff'),
                   count(*) FILTER (WHERE r.outcome = 'TakenOver'), count(*) FILTER (WHERE r.outcome = 'Failed'),
                   count(*) FILTER (WHERE r.outcome <> 'Running'),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY r.latency_ms / 1000.0::float8) FILTER (WHERE r.outcome <> 'Running'),
                   avg(r.latency_ms / 1000.0::float8) FILTER (WHERE r.outcome <> 'Running')
            FROM agent_runs r
            WHERE {AnalyticsSql.InPeriod("r.started_at")}{sql.ConversationFilters("r.conversation_id")}
            GROUP BY GROUPING SETS ((r.agent), ())
            """,
            r =>
            {
                var (runs, failed, finished) = ((int)r.GetInt64(2), (int)r.GetInt64(6), (int)r.GetInt64(7));
                return (Total: r.GetBoolean(1), Figure: new AgentRunFigure(
                    r.IsDBNull(0) ? null : Enum.Parse<AgentKind>(r.GetString(0)), runs, (int)r.GetInt64(3), (int)r.GetInt64(4), (int)r.GetInt64(5), failed,
                    AnalyticsSql.Rate(failed, finished), finished == 0 ? TimeStat.None : new TimeStat(finished, AnalyticsSql.Double(r, 8), AnalyticsSql.Double(r, 9))));
            }, ct);
        return (rows.Where(x => !x.Total).Select(x => x.Figure).OrderBy(x => x.Agent).ToList(),
            rows.FirstOrDefault(x => x.Total).Figure ?? new AgentRunFigure(null, 0, 0, 0, 0, 0, null, TimeStat.None));
    }

    /// <summary>
    /// Follow-ups that came due in the period, per kind (and a total row): sent, skipped, failed; a sent one is replied
    /// to when the client wrote in that chat after it and before the chat's next sent follow-up.
    /// </summary>
    private static async Task<(List<FollowUpFigure> Kinds, FollowUpFigure Total)> FollowUpsAsync(AnalyticsSql sql, NpgsqlConnection connection, CancellationToken ct)
    {
        var rows = await sql.ListAsync(connection, $"""
            WITH f AS (
                SELECT f.kind, f.status, f.fired_at, reply.sent_at AS replied_at
                FROM follow_ups f
                LEFT JOIN LATERAL (
                    SELECT m.sent_at FROM messages m
                    WHERE f.status = 'Sent' AND m.conversation_id = f.conversation_id AND m.author = 'Client' AND m.direction = 'Inbound'
                          AND m.sent_at > f.fired_at
                          AND NOT EXISTS (SELECT 1 FROM follow_ups n WHERE n.conversation_id = f.conversation_id AND n.status = 'Sent'
                                                                     AND n.fired_at > f.fired_at AND n.fired_at < m.sent_at)
                    ORDER BY m.sent_at, m.id LIMIT 1) reply ON true
                WHERE f.status IN ('Sent', 'Skipped', 'Failed') AND {AnalyticsSql.InPeriod("f.fired_at")}{sql.ConversationFilters("f.conversation_id")}
            )
            SELECT kind, GROUPING(kind) = 1, count(*) FILTER (WHERE status = 'Sent'), count(replied_at),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY {AnalyticsSql.Seconds("fired_at", "replied_at")}),
                   avg({AnalyticsSql.Seconds("fired_at", "replied_at")}),
                   count(*) FILTER (WHERE status = 'Skipped'), count(*) FILTER (WHERE status = 'Failed')
            FROM f
            GROUP BY GROUPING SETS ((kind), ())
            """,
            r =>
            {
                var (sent, replied) = ((int)r.GetInt64(2), (int)r.GetInt64(3));
                return (Total: r.GetBoolean(1), Figure: new FollowUpFigure(
                    r.IsDBNull(0) ? null : Enum.Parse<FollowUpKind>(r.GetString(0)), sent, replied, AnalyticsSql.Rate(replied, sent),
                    replied == 0 ? TimeStat.None : new TimeStat(replied, AnalyticsSql.Double(r, 4), AnalyticsSql.Double(r, 5)),
                    (int)r.GetInt64(6), (int)r.GetInt64(7)));
            }, ct);
        return (rows.Where(x => !x.Total).Select(x => x.Figure).OrderBy(x => x.Kind).ToList(),
            rows.FirstOrDefault(x => x.Total).Figure ?? new FollowUpFigure(null, 0, 0, null, TimeStat.None, 0, 0));
    }
}
