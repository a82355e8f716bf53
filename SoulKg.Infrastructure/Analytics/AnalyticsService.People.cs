using Npgsql;

namespace SoulKg.Infrastructure.Analytics;

public sealed partial class AnalyticsService
{
    public Task<PeopleMetrics> PeopleAsync(AnalyticsFilter filter, CancellationToken ct = default) =>
        RunAsync("people", filter, async (sql, connection, token) =>
        {
            var members = await sql.ListAsync(connection,
                "SELECT m.user_id, COALESCE(NULLIF(u.display_name, ''), u.email, '?'), m.is_active FROM memberships m JOIN users u ON u.id = m.user_id",
                r => (Id: r.GetGuid(0), Name: r.GetString(1), Active: r.GetBoolean(2)), token);
            var created = await CountsAsync(sql, connection, $"""
                SELECT d.responsible_user_id, count(*) FROM deals d
                WHERE d.responsible_user_id IS NOT NULL AND {AnalyticsSql.InPeriod("d.created_at")}{sql.DealFilters("d")} GROUP BY 1
                """, token);
            var won = (await sql.ListAsync(connection, $"""
                SELECT d.responsible_user_id, count(*), sum({AnalyticsSql.Amount("d", "KGS")}), sum({AnalyticsSql.Amount("d", "USD")}) FROM deals d
                WHERE d.responsible_user_id IS NOT NULL AND d.status = 'Won' AND {AnalyticsSql.InPeriod("d.closed_at")}{sql.DealFilters("d")} GROUP BY 1
                """,
                r => (Id: r.GetGuid(0), Count: (int)r.GetInt64(1), Amount: new MoneyTotals(AnalyticsSql.Decimal(r, 2), AnalyticsSql.Decimal(r, 3))), token))
                .ToDictionary(x => x.Id);
            var openNow = await sql.ListAsync(connection, $"""
                SELECT d.responsible_user_id, count(*) FROM deals d WHERE d.status = 'Open'{sql.DealFilters("d")} GROUP BY 1
                """, r => (Id: AnalyticsSql.Guid(r, 0), Count: (int)r.GetInt64(1)), token);
            var messages = (await sql.ListAsync(connection, $"""
                SELECT m.author_user_id, count(DISTINCT m.conversation_id), count(*) FROM messages m
                WHERE m.author = 'User' AND m.direction = 'Outbound' AND m.author_user_id IS NOT NULL AND {AnalyticsSql.InPeriod("m.sent_at")}
                      {sql.ConversationFilters("m.conversation_id")}
                GROUP BY 1
                """, r => (Id: r.GetGuid(0), Chats: (int)r.GetInt64(1), Messages: (int)r.GetInt64(2)), token)).ToDictionary(x => x.Id);
            var holders = await sql.ListAsync(connection, $"""
                SELECT c.holder, c.holder_user_id, count(*) FROM conversations c WHERE true{sql.ConversationFilters("c.id")} GROUP BY 1, 2
                """, r => (Holder: r.GetString(0), Id: AnalyticsSql.Guid(r, 1), Count: (int)r.GetInt64(2)), token);
            var replies = (await RepliesAsync(sql, connection, token)).Where(g => !g.AllPeople && g.Author == "User" && g.UserId is not null)
                .ToDictionary(g => g.UserId!.Value, g => g.Time);

            var open = openNow.Where(x => x.Id is not null).ToDictionary(x => x.Id!.Value, x => x.Count);
            var held = holders.Where(h => h.Holder == "Human" && h.Id is not null).GroupBy(h => h.Id!.Value).ToDictionary(g => g.Key, g => g.Sum(h => h.Count));
            var names = members.ToDictionary(m => m.Id);
            // Former members stay in the table while they still have figures; everyone active is listed, even at zero.
            var ids = members.Where(m => m.Active).Select(m => m.Id)
                .Concat(created.Keys).Concat(won.Keys).Concat(open.Keys).Concat(messages.Keys).Concat(held.Keys).Concat(replies.Keys)
                .Distinct().Where(id => filter.ResponsibleUserId is null || id == filter.ResponsibleUserId);
            var users = ids.Select(id => new UserFigure(
                    id, names.TryGetValue(id, out var m) ? m.Name : "?", names.TryGetValue(id, out var a) && a.Active,
                    created.GetValueOrDefault(id), won.TryGetValue(id, out var w) ? w.Count : 0, w.Amount ?? MoneyTotals.Zero,
                    messages.TryGetValue(id, out var msg) ? msg.Chats : 0, msg.Messages, replies.GetValueOrDefault(id) ?? TimeStat.None,
                    open.GetValueOrDefault(id), held.GetValueOrDefault(id)))
                .OrderByDescending(u => u.IsActive).ThenBy(u => u.Name, StringComparer.CurrentCulture).ToList();

            int Holding(string holder) => holders.Where(h => h.Holder == holder).Sum(h => h.Count);
            var now = new WorkloadNow(Holding("AiActive"), Holding("WaitingForHuman"), Holding("Human"),
                openNow.Sum(x => x.Count), openNow.Where(x => x.Id is null).Sum(x => x.Count));
            return new PeopleMetrics(users, now);
        }, ct);

    private static async Task<Dictionary<Guid, int>> CountsAsync(AnalyticsSql sql, NpgsqlConnection connection, string query, CancellationToken ct) =>
        (await sql.ListAsync(connection, query, r => (Id: r.GetGuid(0), Count: (int)r.GetInt64(1)), ct)).ToDictionary(x => x.Id, x => x.Count);
}
