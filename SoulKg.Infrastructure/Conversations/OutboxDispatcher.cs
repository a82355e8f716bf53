using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Data.Interceptors;
using SoulKg.Infrastructure.Realtime;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Conversations;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>How often every organisation is swept for due retries, even without a notification.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(2);
    public int MaxAttempts { get; set; } = 6;
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The backoff stops doubling here, so a message queued during a long outage goes soon after it ends.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A claimed entry whose sender died is taken again after this long.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Off in tests that need full control of timing.</summary>
    public bool PaceSends { get; set; } = true;
}

/// <summary>
/// Drains the outbox: claims due entries with SKIP LOCKED (several instances never take the same one), paces each
/// channel (a cap per minute and a typing pause), sends with the message id as the idempotency key, and records the
/// outcome; failures are retried with exponential backoff, then marked failed for an operator to retry.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    NpgsqlDataSource dataSource,
    IEnumerable<IChannelGateway> gateways,
    ChangeNotifier changes,
    ChannelPacer pacer,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly string _instance = Truncate($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}", 100);
    private readonly ConcurrentDictionary<Guid, byte> _dirty = new();
    private readonly SemaphoreSlim _wake = new(0);

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = changes.SubscribeAll(change =>
        {
            if (change.Entity == "message" && change.DataString("direction") == nameof(MessageDirection.Outbound) && change.DataString("status") == nameof(MessageStatus.Queued))
            {
                _dirty.TryAdd(change.OrgId, 0);
                _wake.Release();
            }

            return Task.CompletedTask;
        });

        var nextSweep = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var orgs = new HashSet<Guid>(_dirty.Keys);
                foreach (var org in orgs)
                {
                    _dirty.TryRemove(org, out _);
                }

                if (clock.GetUtcNow() >= nextSweep)
                {
                    orgs.UnionWith(await AllOrgsAsync(stoppingToken));
                    nextSweep = clock.GetUtcNow() + options.Value.SweepInterval;
                }

                foreach (var org in orgs)
                {
                    while (await DrainOrgAsync(org, stoppingToken) > 0)
                    {
                    }
                }

                await _wake.WaitAsync(options.Value.SweepInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Outbox dispatcher pass failed");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    /// <summary>Sends what is due for one organisation; returns how many entries it handled.</summary>
    public async Task<int> DrainOrgAsync(Guid orgId, CancellationToken ct)
    {
        var claimed = await ClaimAsync(orgId, 10, ct);
        foreach (var entry in claimed)
        {
            await SendAsync(orgId, entry, ct);
        }

        return claimed.Count;
    }

    private async Task<List<Guid>> AllOrgsAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
        return await db.OrgRegistry.Select(o => o.Id).ToListAsync(ct);
    }

    private sealed record Claimed(Guid Id, Guid MessageId, Guid ChannelId, string ChatId, int Attempts, string Text, ChannelKind Kind, ChannelMode Mode, int PerMinute, int TypingMs);

    private async Task<List<Claimed>> ClaimAsync(Guid orgId, int batch, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var set = OrgSession.CreateSetCommand(connection, orgId, null))
        {
            await set.ExecuteNonQueryAsync(ct);
        }

        await using var claim = new NpgsqlCommand("""
            WITH due AS (
                SELECT id FROM outbox
                WHERE (status = 'Pending' AND next_attempt_at <= now()) OR (status = 'Sending' AND locked_until < now())
                ORDER BY created_at
                LIMIT @batch
                FOR UPDATE SKIP LOCKED)
            UPDATE outbox o SET status = 'Sending', locked_until = now() + @lease, locked_by = @me, attempts = o.attempts + 1
            FROM due, messages m, channels c
            WHERE o.id = due.id AND m.id = o.message_id AND c.id = o.channel_id
            RETURNING o.id, o.message_id, o.channel_id, o.chat_id, o.attempts, m.text, c.kind, c.mode, c.sends_per_minute, c.typing_milliseconds
            """, connection);
        claim.Parameters.AddWithValue("batch", batch);
        claim.Parameters.AddWithValue("lease", options.Value.Lease);
        claim.Parameters.AddWithValue("me", _instance);
        var result = new List<Claimed>();
        await using var reader = await claim.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new Claimed(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetInt32(4), reader.GetString(5),
                Enum.Parse<ChannelKind>(reader.GetString(6)), Enum.Parse<ChannelMode>(reader.GetString(7)), reader.GetInt32(8), reader.GetInt32(9)));
        }

        return result;
    }

    private async Task SendAsync(Guid orgId, Claimed entry, CancellationToken ct)
    {
        var gateway = gateways.FirstOrDefault(g => g.Handles(entry.Kind, entry.Mode));
        SendResult result;
        if (gateway is null)
        {
            result = SendResult.Failed($"No adapter for {entry.Kind}/{entry.Mode} is running.");
        }
        else
        {
            try
            {
                if (options.Value.PaceSends)
                {
                    await pacer.WaitTurnAsync(entry.ChannelId, entry.PerMinute, ct);
                    await gateway.SetTypingAsync(entry.ChannelId, entry.ChatId, true, ct);
                    await Task.Delay(TimeSpan.FromMilliseconds(entry.TypingMs), ct);
                }

                result = await gateway.SendTextAsync(entry.ChannelId, entry.ChatId, entry.Text, entry.MessageId.ToString("N"), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                result = SendResult.Failed(e.Message);
            }
        }

        await RecordAsync(orgId, entry, result, ct);
    }

    private async Task RecordAsync(Guid orgId, Claimed entry, SendResult result, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.System, "outbox");
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        // The outbox row and its message change together, so a crash cannot leave one Sent and the other Queued.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (result.Succeeded)
        {
            await db.Outbox.Where(o => o.Id == entry.Id).ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Status, OutboxStatus.Sent).SetProperty(o => o.SentAt, now).SetProperty(o => o.LockedUntil, (DateTimeOffset?)null), ct);
            // An ack (delivered/read) may have raced ahead of this: never move a status backwards.
            await db.Messages.Where(m => m.Id == entry.MessageId && (m.Status == MessageStatus.Queued || m.Status == MessageStatus.Failed))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Sent).SetProperty(m => m.ExternalId, result.ExternalId)
                    .SetProperty(m => m.StatusAt, now).SetProperty(m => m.Error, (string?)null), ct);
            await db.Messages.Where(m => m.Id == entry.MessageId && m.ExternalId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ExternalId, result.ExternalId), ct);
            await transaction.CommitAsync(ct);
            return;
        }

        var final = !result.Retryable || entry.Attempts >= options.Value.MaxAttempts;
        logger.LogWarning("Sending message {MessageId} failed (attempt {Attempt}, final {Final}): {Error}", entry.MessageId, entry.Attempts, final, result.Error);
        var delay = RetryDelay(entry.Attempts, options.Value);
        await db.Outbox.Where(o => o.Id == entry.Id).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.Status, final ? OutboxStatus.Failed : OutboxStatus.Pending)
            .SetProperty(o => o.NextAttemptAt, now + delay)
            .SetProperty(o => o.LastError, result.Error)
            .SetProperty(o => o.LockedUntil, (DateTimeOffset?)null), ct);
        if (final)
        {
            await db.Messages.Where(m => m.Id == entry.MessageId).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MessageStatus.Failed).SetProperty(m => m.Error, result.Error).SetProperty(m => m.StatusAt, now), ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>The pause before attempt <paramref name="attempts"/> + 1: doubling from the first delay, capped.</summary>
    internal static TimeSpan RetryDelay(int attempts, OutboxOptions options)
    {
        var doubled = options.FirstRetryDelay * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        return doubled < options.MaxRetryDelay ? doubled : options.MaxRetryDelay;
    }
}

/// <summary>Spaces the sends of each channel so that no more than the channel's cap leave in any minute.</summary>
public sealed class ChannelPacer(TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, Queue<DateTimeOffset>> _sent = new();

    public async Task WaitTurnAsync(Guid channelId, int perMinute, CancellationToken ct)
    {
        var window = _sent.GetOrAdd(channelId, _ => new Queue<DateTimeOffset>());
        while (true)
        {
            TimeSpan wait;
            lock (window)
            {
                var now = clock.GetUtcNow();
                while (window.Count > 0 && now - window.Peek() >= TimeSpan.FromMinutes(1))
                {
                    window.Dequeue();
                }

                if (window.Count < Math.Max(1, perMinute))
                {
                    window.Enqueue(now);
                    return;
                }

                wait = window.Peek() + TimeSpan.FromMinutes(1) - now;
            }

            await Task.Delay(wait, ct);
        }
    }
}
