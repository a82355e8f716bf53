using System.Collections.Concurrent;

namespace SoulKg.Infrastructure.Analytics;

/// <summary>
/// Figures by organisation, group and filter, valid for one change number of the organisation (the change feed's
/// <c>org_change_counters.last_seq</c>, which every published write moves on). A group is computed once per data
/// version however many people look at it: concurrent requests for the same version share one computation, and a
/// dashboard left open costs one cheap sequence read per request until something changes. Singleton.
/// </summary>
public sealed class AnalyticsCache
{
    private const int MaxEntries = 1_000;
    private readonly ConcurrentDictionary<Key, Entry> _entries = new();

    public async Task<T> GetOrComputeAsync<T>(Guid orgId, string group, AnalyticsFilter filter, long seq, Func<Task<T>> compute, CancellationToken ct)
        where T : class
    {
        var key = new Key(orgId, group, filter);
        if (!_entries.TryGetValue(key, out var entry) || entry.Seq != seq || entry.Result.IsFaulted || entry.Result.IsCanceled)
        {
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear(); // rare: a thousand filter combinations; the next reads rebuild what is still looked at
            }

            // The computation belongs to everyone waiting for this version, so one leaving does not cancel it.
            entry = _entries.AddOrUpdate(key, _ => new Entry(seq, Run(compute)),
                (_, current) => current.Seq == seq && !current.Result.IsFaulted && !current.Result.IsCanceled ? current : new Entry(seq, Run(compute)));
        }

        try
        {
            return (T)await entry.Result.WaitAsync(ct);
        }
        catch (Exception) when (entry.Result.IsFaulted)
        {
            _entries.TryRemove(new KeyValuePair<Key, Entry>(key, entry));
            throw;
        }
    }

    private static async Task<object> Run<T>(Func<Task<T>> compute) where T : class => await compute();

    private readonly record struct Key(Guid OrgId, string Group, AnalyticsFilter Filter);

    private sealed record Entry(long Seq, Task<object> Result);
}
