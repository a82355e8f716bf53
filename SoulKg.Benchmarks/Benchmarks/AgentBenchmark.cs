using System.Net.Http.Json;
using System.Text.Json;

namespace SoulKg.Benchmarks.Benchmarks;

/// <summary>
/// One offline agent reply end to end: POST /api/v1/agents/qualification/trial with the example message runs
/// the real Semantic Kernel loop with the offline model and the real CRM tools (catalogue search in PostgreSQL), writing
/// nothing. Target: p95 ≤ 50 ms.
/// </summary>
public sealed class AgentBenchmark : IBenchmark
{
    private const string Message = "Здравствуйте, хотим в июле на Иссык-Куль, нас 4 взрослых и ребёнок, бюджет до 800$";

    public string Name => "agent";

    public string Summary => "offline agent reply (trial endpoint: SK loop + offline model + CRM tools), p50/p95; target p95 ≤ 50 ms";

    public string Usage => HttpLoadOptions.Usage + "\n" + """
                   --email E          an owner or admin (default owner@soulkg.demo)
                   --password P       their password (default Demo123!)
        """;

    public async Task<int> RunAsync(BenchmarkArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = HttpLoadOptions.From(args);
        var email = args.GetString("email", "owner@soulkg.demo");
        var password = args.GetString("password", "Demo123!");
        args.EnsureAllUsed();

        using var client = HttpLoad.CreateClient(options);
        SoulKgApi.UseBearer(client, await SoulKgApi.GetTokenAsync(client, email, password, cancellationToken));
        var body = new { dialogue = new[] { new { author = "client", text = Message } } };

        using (var probe = await client.PostAsJsonAsync("api/v1/agents/qualification/trial", body, cancellationToken))
        {
            if (!probe.IsSuccessStatusCode)
            {
                throw new BenchmarkFailedException($"trial answered {(int)probe.StatusCode}: {await probe.Content.ReadAsStringAsync(cancellationToken)}");
            }

            using var document = JsonDocument.Parse(await probe.Content.ReadAsStringAsync(cancellationToken));
            var calls = document.RootElement.GetProperty("toolCalls").GetArrayLength();
            await output.WriteLineAsync($"agent: one reply = {calls} tool calls; {options.Concurrency} loops, {options.Warmup.TotalSeconds:0} s warm-up, " +
                $"{options.Duration.TotalSeconds:0} s measured against {options.BaseUrl}");
        }

        var summary = await HttpLoad.RunAsync(options, ct => client.PostAsJsonAsync("api/v1/agents/qualification/trial", body, ct), cancellationToken);
        await output.WriteLineAsync(summary.ToLine(Name, "replies"));
        await output.WriteLineAsync(summary.P95Milliseconds <= 50
            ? $"agent: p95 {summary.P95Milliseconds:0.0} ms within the 50 ms target"
            : $"agent: p95 {summary.P95Milliseconds:0.0} ms OVER the 50 ms target");
        return summary.Failed == 0 ? 0 : 1;
    }
}
