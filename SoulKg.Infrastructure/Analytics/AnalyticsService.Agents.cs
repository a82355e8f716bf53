using SoulKg.Domain.Conversations;

namespace SoulKg.Infrastructure.Analytics;

/// <summary>
/// Agents compared with people, from what the conversations record: message authors, holder history and its
/// reasons; agent runs and follow-ups come from <c>AnalyticsService.Automation.cs</c>.
/// </summary>
public sealed partial class AnalyticsService
{
    public Task<AgentMetrics> AgentsAsync(AnalyticsFilter filter, CancellationToken ct = default) =>
        RunAsync("agents", filter, async (sql, connection, token) =>
        {
            // The first client message of a chat that started in the period, and the first answer after it.
            var first = await sql.ListAsync(connection, $"""
                SELECT a.author, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY {AnalyticsSql.Seconds("f.sent_at", "a.sent_at")}),
                       avg({AnalyticsSql.Seconds("f.sent_at", "a.sent_at")})
                FROM conversations c
                CROSS JOIN LATERAL (
                    SELECT m.sent_at FROM messages m WHERE m.conversation_id = c.id AND m.author = 'Client' AND m.direction = 'Inbound'
                    ORDER BY m.sent_at, m.id LIMIT 1) f
                LEFT JOIN LATERAL (
                    SELECT r.sent_at, r.author FROM messages r
                    WHERE r.conversation_id = c.id AND r.sent_at > f.sent_at AND {Answer}
                    ORDER BY r.sent_at, r.id LIMIT 1) a ON true
                WHERE c.last_message_at >= @from AND c.created_at < @to AND {AnalyticsSql.InPeriod("f.sent_at")}{sql.ConversationFilters("c.id")}
                GROUP BY a.author
                """, r => new ReplyGroup(AnalyticsSql.String(r, 0), null, true, AnalyticsSql.Time(r, 1, 2, 3)), token);
            var replies = await RepliesAsync(sql, connection, token);

            // A close ends an episode that began at the previous close (or the chat's start); a person took part when the
            // chat went to a person or a person wrote to the client within it.
            var resolution = (await sql.ListAsync(connection, $"""
                SELECT count(*), count(*) FILTER (WHERE NOT x.person)
                FROM (
                    SELECT EXISTS (SELECT 1 FROM holder_changes p
                                   WHERE p.conversation_id = hc.conversation_id AND p."to" IN ('Human', 'WaitingForHuman')
                                         AND p.at <= hc.at AND p.at > COALESCE(prev.at, '-infinity'))
                        OR EXISTS (SELECT 1 FROM messages um
                                   WHERE um.conversation_id = hc.conversation_id AND um.author = 'User' AND um.direction = 'Outbound'
                                         AND um.sent_at <= hc.at AND um.sent_at > COALESCE(prev.at, '-infinity')) AS person
                    FROM holder_changes hc
                    LEFT JOIN LATERAL (SELECT max(q.at) AS at FROM holder_changes q
                                       WHERE q.conversation_id = hc.conversation_id AND q."to" = 'Closed' AND q.at < hc.at) prev ON true
                    WHERE hc."to" = 'Closed' AND {AnalyticsSql.InPeriod("hc.at")}{sql.ConversationFilters("hc.conversation_id")}
                ) x
                """, r => (Closed: (int)r.GetInt64(0), Alone: (int)r.GetInt64(1)), token)).Single();

            // A handoff moves a chat from the agent (or a closed chat) to people: asked for, or taken by an operator.
            var handoffs = await sql.ListAsync(connection, $"""
                SELECT hc."to", COALESCE(hc.reason, ''), GROUPING(hc."to") = 1, count(*), count(a.sent_at),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY {AnalyticsSql.Seconds("hc.at", "a.sent_at")}),
                       avg({AnalyticsSql.Seconds("hc.at", "a.sent_at")})
                FROM holder_changes hc
                LEFT JOIN LATERAL (
                    SELECT um.sent_at FROM messages um
                    WHERE um.conversation_id = hc.conversation_id AND um.author = 'User' AND um.direction = 'Outbound' AND um.sent_at >= hc.at
                    ORDER BY um.sent_at, um.id LIMIT 1) a ON true
                WHERE hc."from" IN ('AiActive', 'Closed') AND hc."to" IN ('WaitingForHuman', 'Human') AND {AnalyticsSql.InPeriod("hc.at")}
                      {sql.ConversationFilters("hc.conversation_id")}
                GROUP BY GROUPING SETS ((hc."to", COALESCE(hc.reason, '')), ())
                """,
                r => (Total: r.GetBoolean(2), Figure: new HandoffFigure(
                    r.IsDBNull(0) ? Holder.WaitingForHuman : Enum.Parse<Holder>(r.GetString(0)), AnalyticsSql.String(r, 1) ?? "",
                    (int)r.GetInt64(3), (int)r.GetInt64(4), AnalyticsSql.Time(r, 4, 5, 6))), token);

            var total = handoffs.FirstOrDefault(h => h.Total).Figure;
            var runs = await AgentRunsAsync(sql, connection, token);
            var followUps = await FollowUpsAsync(sql, connection, token);
            return new AgentMetrics(
                Split(first), Split(replies),
                new ResolutionFigure(resolution.Closed, resolution.Alone, AnalyticsSql.Rate(resolution.Alone, resolution.Closed)),
                handoffs.Where(h => !h.Total).Select(h => h.Figure).OrderByDescending(h => h.Count).ThenBy(h => h.Reason, StringComparer.Ordinal).ToList(),
                total?.ToHumanReply ?? TimeStat.None,
                total is null ? 0 : total.Count - total.Answered,
                runs.Runs, runs.Total, followUps.Kinds, followUps.Total);
        }, ct);
}
