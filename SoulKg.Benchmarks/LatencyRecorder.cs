using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace SoulKg.Benchmarks;

/// <summary>
/// Collects request latencies from many concurrent loops and prints the one figure line every benchmark shares.
/// Each loop writes to its own <see cref="Shard"/>, so recording takes no lock; shards merge once at the end.
/// </summary>
public sealed class LatencyRecorder
{
    private readonly ConcurrentBag<Shard> _shards = [];

    public Shard CreateShard()
    {
        var shard = new Shard();
        _shards.Add(shard);
        return shard;
    }

    public LatencySummary Summarize(TimeSpan window)
    {
        var ticks = new List<long>(_shards.Sum(s => s.Ticks.Count));
        var failures = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var shard in _shards)
        {
            ticks.AddRange(shard.Ticks);
            foreach (var (kind, count) in shard.Failures)
            {
                failures[kind] = failures.GetValueOrDefault(kind) + count;
            }
        }

        ticks.Sort();
        return new LatencySummary(
            ticks.Count,
            failures,
            window,
            Percentile(ticks, 50),
            Percentile(ticks, 95),
            Percentile(ticks, 99),
            ticks.Count == 0 ? 0 : ToMilliseconds(ticks[^1]));
    }

    /// <summary>Nearest-rank percentile of sorted <see cref="Stopwatch"/> ticks, in milliseconds.</summary>
    private static double Percentile(List<long> sorted, double percent) =>
        sorted.Count == 0 ? 0 : ToMilliseconds(sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Count) - 1, 0, sorted.Count - 1)]);

    private static double ToMilliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>One loop's share of the measurements; not thread-safe by design.</summary>
    public sealed class Shard
    {
        internal List<long> Ticks { get; } = new(capacity: 16_384);

        internal Dictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);

        public void RecordSuccess(long elapsedTicks) => Ticks.Add(elapsedTicks);

        /// <summary><paramref name="kind"/> is an HTTP status code ("429") or an exception name.</summary>
        public void RecordFailure(string kind) => Failures[kind] = Failures.GetValueOrDefault(kind) + 1;
    }
}

/// <summary>Latency percentiles are over successful (2xx) responses; failures are counted by kind.</summary>
public sealed record LatencySummary(
    long Succeeded,
    IReadOnlyDictionary<string, long> Failures,
    TimeSpan Window,
    double P50Milliseconds,
    double P95Milliseconds,
    double P99Milliseconds,
    double MaxMilliseconds)
{
    public long Failed => Failures.Values.Sum();

    public long Throttled => Failures.GetValueOrDefault("429");

    public double RequestsPerSecond => Window <= TimeSpan.Zero ? 0 : (Succeeded + Failed) / Window.TotalSeconds;

    /// <summary>e.g. <c>me: 41234 requests in 20.0 s = 2061.7 req/s | p50 18.20 ms | p95 39.01 ms | p99 55.40 ms | max 120.3 ms | errors 0</c>.</summary>
    /// <remarks>
    /// <paramref name="unit"/> names what one latency sample is ("requests", or "ops" when one operation is several
    /// requests); the rate is "req/s" or "ops/s" accordingly.
    /// </remarks>
    public string ToLine(string name, string unit = "requests")
    {
        var rate = unit == "requests" ? "req/s" : unit + "/s";
        var errors = Failed == 0
            ? "errors 0"
            : $"errors {Failed} ({string.Join(", ", Failures.OrderByDescending(f => f.Value).Select(f => $"{f.Key}: {f.Value}"))})";
        return string.Create(CultureInfo.InvariantCulture,
            $"{name}: {Succeeded + Failed} {unit} in {Window.TotalSeconds:0.0} s = {RequestsPerSecond:0.0} {rate} | p50 {P50Milliseconds:0.00} ms | p95 {P95Milliseconds:0.00} ms | p99 {P99Milliseconds:0.00} ms | max {MaxMilliseconds:0.0} ms | {errors}");
    }
}
