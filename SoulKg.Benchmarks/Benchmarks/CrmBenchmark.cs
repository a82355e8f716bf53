using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Benchmarks.Benchmarks;

/// <summary>
/// The CRM's everyday reads against a large organisation (the one <c>seed-load</c> fills): client search by a name
/// fragment and by a phone fragment, the deal list of one stage, and a client page (the client plus its timeline).
/// It samples real ids, names, phones and stages through the API first, then runs each scenario in turn with the
/// same concurrent loops, each request picking a random sample.
/// </summary>
public sealed class CrmBenchmark : IBenchmark
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static readonly Scenario[] Scenarios =
    [
        new("search-name", "GET /clients?search=<name fragment>&limit=50", "requests"),
        new("search-phone", "GET /clients?search=<4-6 phone digits>&limit=50", "requests"),
        new("deals-stage", "GET /deals?stageId=<random stage>&limit=50", "requests"),
        new("client-page", "GET /clients/{id} + GET /clients/{id}/timeline, one op", "ops"),
    ];

    public string Name => "crm";

    public string Summary => "client search (name, phone), deals by stage and client page, one scenario after another";

    public string Usage => HttpLoadOptions.Usage.Replace("(default 20)", "per scenario (default 15)", StringComparison.Ordinal) + "\n" + """
                   --email E          user to sign in as (default load@soulkg.demo, the owner of seed-load's org)
                   --password P       their password (default Demo123!)
                   --sample N         clients to sample before measuring, 50..20000 (default 2000)
                   --scenarios LIST   comma-separated subset of search-name,search-phone,deals-stage,client-page (default all)
                   --target-p95 MS    p95 target in ms each scenario is checked against (default 20)
        """;

    public async Task<int> RunAsync(BenchmarkArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = HttpLoadOptions.From(args, defaultDuration: 15);
        var email = args.GetString("email", "load@soulkg.demo");
        var password = args.GetString("password", "Demo123!");
        var sampleSize = args.GetInt("sample", 2000, 50, 20_000);
        var targetP95 = args.GetInt("target-p95", 20, 1, 60_000);
        var selected = SelectScenarios(args.GetString("scenarios", string.Join(',', Scenarios.Select(s => s.Name))));
        args.EnsureAllUsed();

        using var client = HttpLoad.CreateClient(options);
        SoulKgApi.UseBearer(client, await SoulKgApi.GetTokenAsync(client, email, password, cancellationToken));
        var samples = await SampleAsync(client, sampleSize, cancellationToken);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"crm: signed in as {email}; sampled {samples.Clients.Length} clients ({samples.Phones.Length} with a phone) and " +
            $"{samples.StageIds.Length} stages; {options.Concurrency} loops, {options.Warmup.TotalSeconds:0} s warm-up and " +
            $"{options.Duration.TotalSeconds:0} s measured per scenario against {options.BaseUrl}; target p95 <= {targetP95} ms"));
        await output.WriteLineAsync($"crm: e.g. name fragment '{NameFragment(samples)}', phone fragment '{PhoneFragment(samples)}'");

        var results = new List<(Scenario Scenario, LatencySummary Summary, string LoadBefore, string LoadAfter)>();
        foreach (var scenario in selected)
        {
            var send = Sender(scenario.Name, client, samples);
            var loadBefore = LoadAverage();
            var summary = await HttpLoad.RunAsync(options, send, cancellationToken);
            var loadAfter = LoadAverage();
            results.Add((scenario, summary, loadBefore, loadAfter));
            await output.WriteLineAsync(summary.ToLine("crm/" + scenario.Name, scenario.Unit) + $" | load avg {loadBefore} -> {loadAfter}");
            if (summary.Throttled > 0)
            {
                await output.WriteLineAsync($"warning: {summary.Throttled} responses were 429 Too Many Requests: the app's rate limiter " +
                    "(RateLimits:ApiPerMinute, 600 per user per minute by default) throttled the benchmark. " +
                    "Start the app with RateLimits__ApiPerMinute=10000000 for load tests.");
            }
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(Table(results, targetP95));
        var allMet = results.All(r => r.Summary.Succeeded > 0 && r.Summary.P95Milliseconds <= targetP95);
        await output.WriteLineAsync(allMet
            ? $"target p95 <= {targetP95} ms: met by every scenario"
            : $"target p95 <= {targetP95} ms: NOT met by " +
              string.Join(", ", results.Where(r => !(r.Summary.Succeeded > 0 && r.Summary.P95Milliseconds <= targetP95)).Select(r => r.Scenario.Name)));
        return results.All(r => r.Summary.Failed == 0) ? 0 : 1;
    }

    private static Scenario[] SelectScenarios(string list)
    {
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => Scenarios.All(s => s.Name != n)).ToList();
        if (unknown.Count > 0 || names.Length == 0)
        {
            throw new ArgumentException($"--scenarios: unknown scenario(s) {string.Join(", ", unknown)}; choose from {string.Join(", ", Scenarios.Select(s => s.Name))}.");
        }

        return Scenarios.Where(s => names.Contains(s.Name)).ToArray();
    }

    private static Func<CancellationToken, Task<HttpResponseMessage>> Sender(string scenario, HttpClient client, Samples samples) => scenario switch
    {
        "search-name" => ct => client.GetAsync($"api/v1/clients?search={Uri.EscapeDataString(NameFragment(samples))}&limit=50", HttpCompletionOption.ResponseContentRead, ct),
        "search-phone" => ct => client.GetAsync($"api/v1/clients?search={PhoneFragment(samples)}&limit=50", HttpCompletionOption.ResponseContentRead, ct),
        "deals-stage" => ct => client.GetAsync($"api/v1/deals?stageId={Pick(samples.StageIds)}&limit=50", HttpCompletionOption.ResponseContentRead, ct),
        "client-page" => async ct =>
        {
            // One operation, as a browser opening the client sees it: the card, then its history. A failed first
            // call is the operation's result; otherwise the timeline's response is.
            var id = Pick(samples.Clients).Id;
            var card = await client.GetAsync($"api/v1/clients/{id}", HttpCompletionOption.ResponseContentRead, ct);
            if (!card.IsSuccessStatusCode)
            {
                return card;
            }

            card.Dispose();
            return await client.GetAsync($"api/v1/clients/{id}/timeline", HttpCompletionOption.ResponseContentRead, ct);
        },
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
    };

    /// <summary>
    /// seed-load names look like "Айгуль Асанов 12345": the fragment is the surname and the first 1–3 digits of the
    /// number ("Асанов 12"), a handful to a few thousand matches. Other names give a random 4–8 character substring.
    /// </summary>
    private static string NameFragment(Samples samples)
    {
        var name = Pick(samples.Clients).Name;
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length >= 2 && words[^1].All(char.IsAsciiDigit))
        {
            var number = words[^1];
            return words[^2] + " " + number[..Random.Shared.Next(1, Math.Min(3, number.Length) + 1)];
        }

        var length = Math.Min(name.Length, Random.Shared.Next(4, 9));
        return name.Substring(Random.Shared.Next(name.Length - length + 1), length);
    }

    /// <summary>4–6 consecutive digits from a sampled phone.</summary>
    private static string PhoneFragment(Samples samples)
    {
        var digits = Pick(samples.Phones);
        var length = Math.Min(digits.Length, Random.Shared.Next(4, 7));
        return digits.Substring(Random.Shared.Next(digits.Length - length + 1), length);
    }

    private static T Pick<T>(T[] items) => items[Random.Shared.Next(items.Length)];

    private static async Task<Samples> SampleAsync(HttpClient client, int sampleSize, CancellationToken ct)
    {
        var clients = new List<ClientListItem>(sampleSize);
        string? cursor = null;
        do
        {
            var url = "api/v1/clients?limit=200" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await GetJsonAsync<CursorPage<ClientListItem>>(client, url, ct);
            clients.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null && clients.Count < sampleSize);

        var stages = await GetJsonAsync<List<StageItem>>(client, "api/v1/funnel/stages", ct);
        var samples = new Samples(
            clients.ToArray(),
            clients.Select(c => new string((c.Phone ?? "").Where(char.IsAsciiDigit).ToArray())).Where(d => d.Length >= 6).ToArray(),
            stages.Where(s => !s.IsArchived).Select(s => s.Id).ToArray());
        if (samples.Clients.Length == 0 || samples.Phones.Length == 0 || samples.StageIds.Length == 0)
        {
            throw new BenchmarkFailedException($"nothing to sample ({samples.Clients.Length} clients, {samples.Phones.Length} phones, " +
                $"{samples.StageIds.Length} stages): run `SoulKg.Web seed-load` and sign in as its owner (load@soulkg.demo)");
        }

        return samples;
    }

    private static async Task<T> GetJsonAsync<T>(HttpClient client, string url, CancellationToken ct)
    {
        using var response = await client.GetAsync(url, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchmarkFailedException($"GET {url} while sampling: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        return await response.Content.ReadFromJsonAsync<T>(Json, ct) ?? throw new BenchmarkFailedException($"GET {url} returned an empty body");
    }

    /// <summary>The 1-, 5- and 15-minute load averages of this machine (Linux), or "n/a".</summary>
    internal static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{fields[0]}/{fields[1]}/{fields[2]}";
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static string Table(List<(Scenario Scenario, LatencySummary Summary, string LoadBefore, string LoadAfter)> results, int targetP95)
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | what | ops | ops/s | p50 ms | p95 ms | p99 ms | max ms | errors | 429s | load avg before -> after | p95 target |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var (scenario, s, before, after) in results)
        {
            var met = s.Succeeded > 0 && s.P95Milliseconds <= targetP95 ? "met" : "missed";
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {scenario.Name} | {scenario.What} | {s.Succeeded + s.Failed} | {s.RequestsPerSecond:0.0} | {s.P50Milliseconds:0.00} | " +
                $"{s.P95Milliseconds:0.00} | {s.P99Milliseconds:0.00} | {s.MaxMilliseconds:0.0} | {s.Failed} | {s.Throttled} | {before} -> {after} | {met} (<= {targetP95}) |"));
        }

        return text.ToString().TrimEnd();
    }

    private sealed record Scenario(string Name, string What, string Unit);

    private sealed record Samples(ClientListItem[] Clients, string[] Phones, Guid[] StageIds);
}
