using System.Globalization;
using System.Text;

namespace SoulKg.Benchmarks.Benchmarks;

/// <summary>
/// The Аналитика dashboard's API against the large organisation (<c>seed-load --analytics</c>): each /metrics group
/// for the default period (the last six months: all of the seeded history), the funnel for the last 30 days, and one
/// CSV download, one scenario after another at 10 concurrent users by default. Every request is computed afresh:
/// the service keeps no cache, so these are the figures a person waits for.
/// </summary>
public sealed class AnalyticsBenchmark : IBenchmark
{
    private static readonly (string Name, string Path)[] Scenarios =
    [
        ("funnel", "api/v1/metrics/funnel"),
        ("people", "api/v1/metrics/people"),
        ("agents", "api/v1/metrics/agents"),
        ("funnel-30d", "api/v1/metrics/funnel?from={month}"),
        ("csv-cohorts", "api/v1/metrics/funnel/cohorts.csv"),
    ];

    public string Name => "analytics";

    public string Summary => "the /metrics endpoints of the dashboard (funnel, people, agents, a 30-day funnel, a CSV), one after another";

    public string Usage => HttpLoadOptions.Usage.Replace("(default 50)", "(default 10)", StringComparison.Ordinal)
        .Replace("(default 20)", "per scenario (default 15)", StringComparison.Ordinal) + "\n" + """
                   --email E          user to sign in as (default load@soulkg.demo, the owner of seed-load's org)
                   --password P       their password (default Demo123!)
                   --scenarios LIST   comma-separated subset of funnel,people,agents,funnel-30d,csv-cohorts (default all)
                   --target-p95 MS    p95 target in ms each scenario is checked against (default 50)
        """;

    public async Task<int> RunAsync(BenchmarkArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        // The issue's load: 10 concurrent users (the shared options default to 50).
        var concurrency = args.GetInt("concurrency", 10, 1, 1024);
        var options = HttpLoadOptions.From(args, defaultDuration: 15) with { Concurrency = concurrency };
        var email = args.GetString("email", "load@soulkg.demo");
        var password = args.GetString("password", "Demo123!");
        var targetP95 = args.GetInt("target-p95", 50, 1, 60_000);
        var names = args.GetString("scenarios", string.Join(',', Scenarios.Select(s => s.Name))).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        args.EnsureAllUsed();
        var unknown = names.Where(n => Scenarios.All(s => s.Name != n)).ToList();
        if (unknown.Count > 0 || names.Length == 0)
        {
            throw new ArgumentException($"--scenarios: unknown scenario(s) {string.Join(", ", unknown)}; choose from {string.Join(", ", Scenarios.Select(s => s.Name))}.");
        }

        using var client = HttpLoad.CreateClient(options);
        SoulKgApi.UseBearer(client, await SoulKgApi.GetTokenAsync(client, email, password, cancellationToken));
        var month = DateTime.UtcNow.AddHours(6).AddDays(-29).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await output.WriteLineAsync($"analytics: signed in as {email}; {options.Concurrency} users, {options.Warmup.TotalSeconds:0} s warm-up and " +
            $"{options.Duration.TotalSeconds:0} s measured per scenario against {options.BaseUrl}; target p95 <= {targetP95} ms");

        var table = new StringBuilder("| scenario | request | ops | ops/s | p50 ms | p95 ms | p99 ms | max ms | errors | load avg before -> after | p95 target |\n")
            .Append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
        var allMet = true;
        var failed = 0L;
        foreach (var (name, template) in Scenarios.Where(s => names.Contains(s.Name)))
        {
            var path = template.Replace("{month}", month, StringComparison.Ordinal);
            var before = CrmBenchmark.LoadAverage();
            var s = await HttpLoad.RunAsync(options, ct => client.GetAsync(path, HttpCompletionOption.ResponseContentRead, ct), cancellationToken);
            var after = CrmBenchmark.LoadAverage();
            var met = s.Succeeded > 0 && s.P95Milliseconds <= targetP95;
            allMet &= met;
            failed += s.Failed;
            await output.WriteLineAsync(s.ToLine("analytics/" + name) + $" | load avg {before} -> {after}");
            table.Append(CultureInfo.InvariantCulture, $"| {name} | GET /{path} | {s.Succeeded + s.Failed} | {s.RequestsPerSecond:0.0} | {s.P50Milliseconds:0.0} | ")
                .Append(CultureInfo.InvariantCulture, $"{s.P95Milliseconds:0.0} | {s.P99Milliseconds:0.0} | {s.MaxMilliseconds:0.0} | {s.Failed} | {before} -> {after} | ")
                .Append(met ? "met" : "missed").Append(CultureInfo.InvariantCulture, $" (<= {targetP95}) |\n");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(table.ToString().TrimEnd());
        await output.WriteLineAsync(allMet ? $"target p95 <= {targetP95} ms: met by every scenario" : $"target p95 <= {targetP95} ms: NOT met by every scenario");
        return failed == 0 ? 0 : 1;
    }
}
