using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SoulKg.Infrastructure.Analytics;

/// <summary>The dashboard's snapshots: configuration section <c>Analytics</c> (README, Configuration).</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>
    /// The least time between two recomputations of the same figures. A busy organisation changes many times a second;
    /// without this bound its open dashboards would keep one full computation running back to back.
    /// </summary>
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Snapshots of the figures by organisation, group and filter, each stamped with the change number of the organisation
/// it was computed at (the change feed's <c>org_change_counters.last_seq</c>, which every published write moves on).
/// A reader gets the latest snapshot at once, even when the data has moved on since; a newer version starts one
/// recomputation in the background (at most one per snapshot at a time, at most one per
/// <see cref="AnalyticsOptions.MinRefreshInterval"/>), which replaces the snapshot when it completes and raises
/// <see cref="Refreshed"/>. Only the first read of a filter waits for a computation, shared by everyone asking for it.
/// A request therefore never waits for a full scan of a large organisation once its dashboard has been opened.
/// Singleton.
/// </summary>
public sealed class AnalyticsCache(IOptions<AnalyticsOptions> options, TimeProvider clock, ILogger<AnalyticsCache> logger)
{
    private const int MaxEntries = 1_000;
    private readonly ConcurrentDictionary<Key, Entry> _entries = new();

    /// <summary>Newer figures of this organisation are in place (raised on a pool thread): open dashboards re-read.</summary>
    public event Action<Guid>? Refreshed;

    public async Task<T> GetOrComputeAsync<T>(Guid orgId, string group, AnalyticsFilter filter, long seq, Func<Task<T>> compute, CancellationToken ct)
        where T : class
    {
        var key = new Key(orgId, group, filter);
        if (_entries.Count >= MaxEntries && !_entries.ContainsKey(key))
        {
            _entries.Clear(); // rare: a thousand filter combinations; the next reads rebuild what is still looked at
        }

        var entry = _entries.GetOrAdd(key, _ => new Entry());
        Task<object> first;
        lock (entry)
        {
            if (entry.Snapshot is { } snapshot)
            {
                if (snapshot.Seq < seq)
                {
                    RefreshLocked(orgId, entry, seq, compute);
                }

                return (T)snapshot.Result;
            }

            // The computation belongs to everyone waiting for it, so one reader leaving does not cancel it.
            if (entry.First is not { IsFaulted: false, IsCanceled: false })
            {
                entry.LastStarted = clock.GetUtcNow();
                entry.First = Task.Run(async () => Store(entry, seq, await compute()));
            }

            first = entry.First;
        }

        return (T)await first.WaitAsync(ct);
    }

    /// <summary>Completes when the background recomputations of the organisation running now have finished (tests, benchmarks).</summary>
    public Task WhenRefreshedAsync(Guid orgId)
    {
        var running = new List<Task>();
        foreach (var (key, entry) in _entries)
        {
            lock (entry)
            {
                if (key.OrgId == orgId && entry.Refreshing is { } task)
                {
                    running.Add(task);
                }
            }
        }

        return Task.WhenAll(running);
    }

    private void RefreshLocked<T>(Guid orgId, Entry entry, long seq, Func<Task<T>> compute)
        where T : class
    {
        if (entry.Refreshing is not null)
        {
            return; // the running one is followed by another if the data moved on meanwhile: see the next read
        }

        // Too soon after the last one: start it when the interval is over rather than drop it, or a dashboard whose data
        // stopped changing would keep the figures of one change ago.
        var now = clock.GetUtcNow();
        var delay = entry.LastStarted + options.Value.MinRefreshInterval - now;
        entry.LastStarted = delay > TimeSpan.Zero ? now + delay : now;
        entry.Refreshing = Task.Run(async () =>
        {
            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, clock);
                }

                Store(entry, seq, await compute());
                try
                {
                    Refreshed?.Invoke(orgId);
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "A dashboard failed to take newer figures");
                }
            }
            catch (Exception e)
            {
                // The snapshot stays as it was; the next read after the interval tries again.
                logger.LogWarning(e, "Recomputing the analytics figures of organisation {OrgId} failed", orgId);
            }
            finally
            {
                lock (entry)
                {
                    entry.Refreshing = null;
                }
            }
        });
    }

    private static object Store(Entry entry, long seq, object result)
    {
        lock (entry)
        {
            if (entry.Snapshot is null || entry.Snapshot.Seq < seq)
            {
                entry.Snapshot = new Snapshot(seq, result);
            }

            return entry.Snapshot.Result;
        }
    }

    private readonly record struct Key(Guid OrgId, string Group, AnalyticsFilter Filter);

    private sealed record Snapshot(long Seq, object Result);

    /// <summary>Mutable, guarded by its own lock: the current snapshot and the computations under way.</summary>
    private sealed class Entry
    {
        public Snapshot? Snapshot { get; set; }
        public Task<object>? First { get; set; }
        public Task? Refreshing { get; set; }
        public DateTimeOffset LastStarted { get; set; }
    }
}
