using Npgsql;

namespace SoulKg.Infrastructure.Analytics;

/// <summary>Message timing shared by the people and the agents figures.</summary>
public sealed partial class AnalyticsService
{
    /// <summary>Outbound messages that count as an answer: written by the agent or a person, and not dropped or failed.</summary>
    private const string Answer = "r.direction = 'Outbound' AND r.author IN ('Agent', 'User') AND r.status NOT IN ('Dropped', 'Failed')";

    /// <summary>
    /// Every wait of the period and who ended it: a wait starts with a client message that follows a message not from
    /// the client (or opens the period's part of the chat) and ends with the next answer. Grouped by who answered, and
    /// by who answered and which person, in one pass (GROUPING SETS): author null is "not answered yet".
    /// </summary>
    private static Task<List<ReplyGroup>> RepliesAsync(AnalyticsSql sql, NpgsqlConnection connection, CancellationToken ct) =>
        sql.ListAsync(connection, $"""
            WITH m AS (
                SELECT m.id, m.conversation_id, m.sent_at, m.author,
                       lag(m.author) OVER (PARTITION BY m.conversation_id ORDER BY m.sent_at, m.id) AS previous
                FROM messages m
                WHERE m.sent_at >= @from AND m.direction <> 'Internal' AND m.author <> 'System' AND m.status NOT IN ('Dropped', 'Failed')
                      {sql.ConversationFilters("m.conversation_id")}
            ), waits AS (
                SELECT w.conversation_id, w.sent_at, a.sent_at AS answered_at, a.author, a.author_user_id
                FROM m w
                LEFT JOIN LATERAL (
                    SELECT r.sent_at, r.author, r.author_user_id FROM messages r
                    WHERE r.conversation_id = w.conversation_id AND r.sent_at > w.sent_at AND {Answer}
                    ORDER BY r.sent_at, r.id LIMIT 1) a ON true
                WHERE w.author = 'Client' AND (w.previous IS NULL OR w.previous <> 'Client') AND w.sent_at < @to
            )
            SELECT author, author_user_id, GROUPING(author_user_id) = 1, count(*),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY {AnalyticsSql.Seconds("sent_at", "answered_at")}),
                   avg({AnalyticsSql.Seconds("sent_at", "answered_at")})
            FROM waits
            GROUP BY GROUPING SETS ((author), (author, author_user_id))
            """,
            r => new ReplyGroup(AnalyticsSql.String(r, 0), AnalyticsSql.Guid(r, 1), r.GetBoolean(2), AnalyticsSql.Time(r, 3, 4, 5)), ct);

    private static ResponseSplit Split(IEnumerable<ReplyGroup> groups)
    {
        var byAuthor = groups.Where(g => g.AllPeople).ToList();
        return new ResponseSplit(
            byAuthor.FirstOrDefault(g => g.Author == "Agent")?.Time ?? TimeStat.None,
            byAuthor.FirstOrDefault(g => g.Author == "User")?.Time ?? TimeStat.None,
            byAuthor.FirstOrDefault(g => g.Author is null)?.Time.Count ?? 0);
    }

    /// <summary>Waits answered by <see cref="Author"/> (null: unanswered); <see cref="AllPeople"/> rows sum over every person.</summary>
    private sealed record ReplyGroup(string? Author, Guid? UserId, bool AllPeople, TimeStat Time);
}
