using System.Net.Http.Json;
using System.Text.Json;
using SoulKg.Web.Features.Auth;

namespace SoulKg.Benchmarks.Benchmarks;

/// <summary>
/// GET /api/v1/me with one user's bearer token: the whole authenticated API path (JWT validation, the
/// security-stamp and membership checks of every request, the org context, one Identity lookup) and nothing else.
/// </summary>
public sealed class MeBenchmark : IBenchmark
{
    public string Name => "me";

    public string Summary => "GET /api/v1/me in concurrent loops with one user's JWT";

    public string Usage => HttpLoadOptions.Usage + "\n" + """
                   --email E          user to sign in as (default sales@soulkg.demo)
                   --password P       their password (default Demo123!)
        """;

    public async Task<int> RunAsync(BenchmarkArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = HttpLoadOptions.From(args);
        var email = args.GetString("email", "sales@soulkg.demo");
        var password = args.GetString("password", "Demo123!");
        args.EnsureAllUsed();

        using var client = HttpLoad.CreateClient(options);
        SoulKgApi.UseBearer(client, await SoulKgApi.GetTokenAsync(client, email, password, cancellationToken));

        var me = await client.GetFromJsonAsync<MeResponse>("api/v1/me", new JsonSerializerOptions(JsonSerializerDefaults.Web), cancellationToken)
            ?? throw new BenchmarkFailedException("GET /api/v1/me returned an empty body");
        await output.WriteLineAsync($"me: signed in as {me.Email} ({me.Role}, {me.OrgName}); {options.Concurrency} loops, " +
            $"{options.Warmup.TotalSeconds:0} s warm-up, {options.Duration.TotalSeconds:0} s measured against {options.BaseUrl}");

        var summary = await HttpLoad.RunAsync(options, ct => client.GetAsync("api/v1/me", HttpCompletionOption.ResponseContentRead, ct), cancellationToken);
        await output.WriteLineAsync(summary.ToLine(Name));
        if (summary.Throttled > 0)
        {
            await output.WriteLineAsync($"warning: {summary.Throttled} responses were 429 Too Many Requests: the app's rate limiter " +
                "(RateLimits:ApiPerMinute, 600 per user per minute by default) throttled the benchmark. " +
                "Start the app with RateLimits__ApiPerMinute=1000000 for load tests.");
        }

        return summary.Failed == 0 ? 0 : 1;
    }
}
