using System.Globalization;
using System.Net.Http.Json;
using System.Text;

namespace SoulKg.Benchmarks.Benchmarks;

/// <summary>
/// The Аналитика dashboard's API against the large organisation (<c>seed-load --analytics</c>): each /metrics group
/// for the default period (the last six months: all of the seeded history), the funnel for the last 30 days, and one
/// CSV download, one scenario after another at 10 concurrent users by default. With <c>--writes-per-second</c> a writer
/// moves one deal of the organisation back and forth while the dashboard is read, so the data version keeps changing
/// (a busy organisation): what a reader waits for then depends on how the service treats figures that went stale.
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
                   --writes-per-second N  deal moves per second during each scenario, 0..50 (default 0: the data stands still)
        """;

    public async Task<int> RunAsync(BenchmarkArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        // The issue's load: 10 concurrent users (the shared options default to 50).
        var concurrency = args.GetInt("concurrency", 10, 1, 1024);
        var options = HttpLoadOptions.From(args, defaultDuration: 15) with { Concurrency = concurrency };
        var email = args.GetString("email", "load@soulkg.demo");
        var password = args.GetString("password", "Demo123!");
        var targetP95 = args.GetInt("target-p95", 50, 1, 60_000);
        var writes = args.GetInt("writes-per-second", 0, 0, 50);
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
            $"{options.Duration.TotalSeconds:0} s measured per scenario against {options.BaseUrl}; target p95 <= {targetP95} ms; {writes} deal moves/s");
        var writer = writes > 0 ? await DealMover.CreateAsync(client, cancellationToken) : null;

        var table = new StringBuilder("| scenario | request | ops | ops/s | p50 ms | p95 ms | p99 ms | max ms | errors | load avg before -> after | p95 target |\n")
            .Append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
        var allMet = true;
        var failed = 0L;
        foreach (var (name, template) in Scenarios.Where(s => names.Contains(s.Name)))
        {
            var path = template.Replace("{month}", month, StringComparison.Ordinal);
            var before = CrmBenchmark.LoadAverage();
            using var writing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var moves = writer?.RunAsync(writes, writing.Token) ?? Task.FromResult(0);
            var s = await HttpLoad.RunAsync(options, ct => client.GetAsync(path, HttpCompletionOption.ResponseContentRead, ct), cancellationToken);
            await writing.CancelAsync();
            var moved = await moves;
            var after = CrmBenchmark.LoadAverage();
            var met = s.Succeeded > 0 && s.P95Milliseconds <= targetP95;
            allMet &= met;
            failed += s.Failed;
            await output.WriteLineAsync(s.ToLine("analytics/" + name) + $" | load avg {before} -> {after}" + (writer is null ? "" : $" | {moved} deal moves"));
            table.Append(CultureInfo.InvariantCulture, $"| {name} | GET /{path} | {s.Succeeded + s.Failed} | {s.RequestsPerSecond:0.0} | {s.P50Milliseconds:0.0} | ")
                .Append(CultureInfo.InvariantCulture, $"{s.P95Milliseconds:0.0} | {s.P99Milliseconds:0.0} | {s.MaxMilliseconds:0.0} | {s.Failed} | {before} -> {after} | ")
                .Append(met ? "met" : "missed").Append(CultureInfo.InvariantCulture, $" (<= {targetP95}) |\n");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(table.ToString().TrimEnd());
        await output.WriteLineAsync(allMet ? $"target p95 <= {targetP95} ms: met by every scenario" : $"target p95 <= {targetP95} ms: NOT met by every scenario");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>One deal of its own, created in the organisation and moved between its second and third stages.</summary>
    private sealed class DealMover(HttpClient client, Guid dealId, Guid[] stages)
    {
        public static async Task<DealMover> CreateAsync(HttpClient client, CancellationToken ct)
        {
            var stages = (await client.GetFromJsonAsync<List<Stage>>("api/v1/funnel/stages", ct))!.Where(s => !s.IsArchived).Select(s => s.Id).ToArray();
            var phone = "+996555" + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
            var person = await PostAsync(client, "api/v1/clients", new { name = "Бенчмарк Аналитика", phones = new[] { phone } }, ct);
            var deal = await PostAsync(client, "api/v1/deals", new { clientId = person.Id, adults = 2 }, ct);
            return new DealMover(client, deal.Id, stages[1..3]);
        }

        /// <summary>Moves at <paramref name="perSecond"/> until cancelled; returns how many moves succeeded.</summary>
        public async Task<int> RunAsync(int perSecond, CancellationToken ct)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / perSecond));
            var moved = 0;
            try
            {
                while (await timer.WaitForNextTickAsync(ct))
                {
                    using var response = await client.PostAsJsonAsync($"api/v1/deals/{dealId}/move", new { stageId = stages[moved % 2] }, ct);
                    moved += response.IsSuccessStatusCode ? 1 : 0;
                }
            }
            catch (OperationCanceledException)
            {
            }

            return moved;
        }

        private static async Task<Stage> PostAsync(HttpClient client, string url, object body, CancellationToken ct)
        {
            using var response = await client.PostAsJsonAsync(url, body, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new BenchmarkFailedException($"POST {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }

            return (await response.Content.ReadFromJsonAsync<Stage>(ct))!;
        }

        private sealed record Stage(Guid Id, bool IsArchived);
    }
}
