using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using SoulKg.Infrastructure.Data.Interceptors;

namespace SoulKg.Infrastructure.Analytics;

/// <summary>
/// Gives the load-test organisation (<see cref="Demo.LoadSeeder"/>) the history the dashboard reads, in a handful of
/// set-based statements: stage history up to each deal's stage, a fifth of the older deals won and a quarter lost,
/// and chats with six messages each for the first <c>chats</c> clients (agent and people answering, a third handed to
/// a person, half closed). Deterministic (hashes of ids, no random), and done once: it stops if history exists.
/// </summary>
public sealed class AnalyticsLoadSeeder(NpgsqlDataSource dataSource, ILogger<AnalyticsLoadSeeder> logger)
{
    private static readonly string[] Steps =
    [
        // Close older deals: h < 20 won, h < 45 lost; the close comes 2–8 days after the lead.
        """
        UPDATE deals d SET status = x.status, closed_at = x.closed_at, updated_at = x.closed_at,
               lost_reason_id = CASE WHEN x.status = 'Lost' THEN (SELECT r.id FROM lost_reasons r ORDER BY r."order" OFFSET x.h % 6 LIMIT 1) END
        FROM (SELECT id, abs(hashtext(id::text)) % 100 AS h,
                     CASE WHEN abs(hashtext(id::text)) % 100 < 20 THEN 'Won' ELSE 'Lost' END AS status,
                     created_at + (2 + abs(hashtext(id::text)) % 7) * interval '1 day' AS closed_at
              FROM deals WHERE status = 'Open' AND created_at < now() - interval '9 days') x
        WHERE d.id = x.id AND x.h < 45
        """,
        // One history row per stage up to the deal's stage, 1–5 hours apart.
        """
        INSERT INTO deal_stage_changes (id, org_id, deal_id, from_stage_id, to_stage_id, from_status, to_status, reason, actor_type, actor_name, at)
        SELECT gen_random_uuid(), d.org_id, d.id, prev.id, s.id, 'Open', 'Open', NULL, 'System', 'seed-load-analytics',
               d.created_at + s."order" * (1 + abs(hashtext(d.id::text)) % 5) * interval '1 hour'
        FROM deals d
        JOIN funnel_stages cur ON cur.id = d.stage_id
        JOIN funnel_stages s ON s."order" <= cur."order"
        LEFT JOIN funnel_stages prev ON prev."order" = s."order" - 1
        """,
        """
        INSERT INTO deal_stage_changes (id, org_id, deal_id, from_stage_id, to_stage_id, from_status, to_status, reason, actor_type, actor_name, at)
        SELECT gen_random_uuid(), d.org_id, d.id, d.stage_id, d.stage_id, 'Open', d.status, NULL, 'System', 'seed-load-analytics', d.closed_at
        FROM deals d WHERE d.status <> 'Open'
        """,
        """
        INSERT INTO channels (id, org_id, kind, mode, name, state, state_changed_at, sends_per_minute, typing_milliseconds, is_active, created_at)
        VALUES (gen_random_uuid(), app_current_org(), 'WhatsApp', 'Sandbox', 'Load test', 'Stopped', now(), 20, 1200, false, now())
        """,
        """
        INSERT INTO conversations (id, org_id, channel_id, client_id, external_chat_id, is_group, holder, holder_since, last_message_at, unread_count, created_at)
        SELECT gen_random_uuid(), c.org_id, ch.id, c.id, 'load-' || c.id::text, false, 'AiActive', c.created_at, c.created_at + interval '2 hours', 0, c.created_at
        FROM (SELECT * FROM clients ORDER BY created_at DESC LIMIT @chats) c CROSS JOIN (SELECT id FROM channels WHERE name = 'Load test' LIMIT 1) ch
        """,
        // Client, agent, client, agent, client, then a person (a third of chats) or the agent.
        """
        INSERT INTO messages (id, org_id, conversation_id, channel_id, direction, author, author_user_id, text, status, sent_at, created_at, attachments)
        SELECT gen_random_uuid(), c.org_id, c.id, c.channel_id,
               CASE WHEN g % 2 = 1 THEN 'Inbound' ELSE 'Outbound' END,
               CASE WHEN g % 2 = 1 THEN 'Client' WHEN g = 6 AND x.h % 3 = 0 THEN 'User' ELSE 'Agent' END,
               CASE WHEN g = 6 AND x.h % 3 = 0 THEN @user END,
               'Сообщение ' || g, CASE WHEN g % 2 = 1 THEN 'Received' ELSE 'Sent' END,
               c.created_at + CASE g WHEN 1 THEN interval '0' WHEN 2 THEN (10 + x.h % 90) * interval '1 second'
                                     WHEN 3 THEN interval '5 minutes' WHEN 4 THEN interval '5 minutes' + (20 + x.h % 180) * interval '1 second'
                                     WHEN 5 THEN interval '1 hour' ELSE interval '1 hour' + (60 + x.h % 3540) * interval '1 second' END,
               c.created_at, '[]'
        FROM conversations c
        CROSS JOIN LATERAL (SELECT abs(hashtext(c.id::text)) AS h) x
        CROSS JOIN generate_series(1, 6) g
        """,
        """
        INSERT INTO holder_changes (id, org_id, conversation_id, "from", "to", to_user_id, reason, actor_type, actor_name, at)
        SELECT gen_random_uuid(), c.org_id, c.id, 'AiActive', 'WaitingForHuman', NULL,
               (ARRAY['Клиент просит человека', 'Агент не уверен', 'Жалоба'])[1 + abs(hashtext(c.id::text)) % 3], 'Agent', 'seed', c.created_at + interval '50 minutes'
        FROM conversations c WHERE abs(hashtext(c.id::text)) % 3 = 0
        UNION ALL
        SELECT gen_random_uuid(), c.org_id, c.id, 'WaitingForHuman', 'Human', @user, 'Оператор взял чат', 'User', 'seed', c.created_at + interval '55 minutes'
        FROM conversations c WHERE abs(hashtext(c.id::text)) % 3 = 0
        UNION ALL
        SELECT gen_random_uuid(), c.org_id, c.id, CASE WHEN abs(hashtext(c.id::text)) % 3 = 0 THEN 'Human' ELSE 'AiActive' END, 'Closed', NULL, 'Закрыт', 'System', 'seed',
               c.created_at + interval '2 hours'
        FROM conversations c WHERE abs(hashtext(c.id::text)) % 2 = 0
        """,
    ];

    public async Task SeedAsync(Guid orgId, Guid ownerId, int chats, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var set = OrgSession.CreateSetCommand(connection, orgId, null))
        {
            await set.ExecuteNonQueryAsync(ct);
        }

        await using (var seeded = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM deal_stage_changes)", connection))
        {
            if ((bool)(await seeded.ExecuteScalarAsync(ct))!)
            {
                logger.LogInformation("The load org already has stage history; nothing to add");
                return;
            }
        }

        await using var tx = await connection.BeginTransactionAsync(ct);
        // No change notifications for a million rows (the same switch LoadSeeder uses).
        await using (var bulk = new NpgsqlCommand("SELECT set_config('app.bulk', 'on', true)", connection, tx))
        {
            await bulk.ExecuteNonQueryAsync(ct);
        }

        foreach (var step in Steps)
        {
            await using var command = new NpgsqlCommand(step, connection, tx) { CommandTimeout = 900 };
            command.Parameters.AddWithValue("chats", chats);
            command.Parameters.AddWithValue("user", ownerId);
            var rows = await command.ExecuteNonQueryAsync(ct);
            logger.LogInformation("{Rows} rows after {Seconds:F1} s", rows, watch.Elapsed.TotalSeconds);
        }

        await tx.CommitAsync(ct);
    }
}
