using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SoulKg.Web.Infrastructure.Auth;

namespace SoulKg.Benchmarks;

/// <summary>The options every HTTP benchmark takes; the defaults hit the app that <c>scripts/run.sh</c> serves.</summary>
public sealed record HttpLoadOptions(Uri BaseUrl, int Concurrency, TimeSpan Duration, TimeSpan Warmup)
{
    public const string Usage = """
                   --url URL          base URL of the running app (default http://127.0.0.1:5080)
                   --concurrency N    concurrent request loops, 1..1024 (default 50)
                   --duration S       measured seconds, 1..600 (default 20)
                   --warmup S         unmeasured seconds before that, 0..60 (default 3)
                   --allow-remote     allow a --url that is not on this machine (loopback only by default)
        """;

    /// <summary><paramref name="defaultDuration"/>: the measured seconds when <c>--duration</c> is not given.</summary>
    public static HttpLoadOptions From(BenchmarkArgs args, int defaultDuration = 20)
    {
        var url = args.GetBaseUrl("url", "http://127.0.0.1:5080");
        var options = new HttpLoadOptions(
            url,
            args.GetInt("concurrency", 50, 1, 1024),
            TimeSpan.FromSeconds(args.GetInt("duration", defaultDuration, 1, 600)),
            TimeSpan.FromSeconds(args.GetInt("warmup", 3, 0, 60)));
        if (!args.GetFlag("allow-remote") && !IsLoopback(url))
        {
            throw new ArgumentException($"{url} is not a loopback address. Load tests go to this machine only, unless you pass --allow-remote for a server you run yourself.");
        }

        return options;
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}

/// <summary>Runs concurrent request loops for a fixed time and records their latencies.</summary>
public static class HttpLoad
{
    /// <summary>
    /// One connection per loop, no redirects (a benchmark never leaves <see cref="HttpLoadOptions.BaseUrl"/>),
    /// no cookies (the API is bearer-only).
    /// </summary>
    public static HttpClient CreateClient(HttpLoadOptions options) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        {
            BaseAddress = options.BaseUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Warm-up first (discarded), then the measured window; returns the measured summary.</summary>
    public static async Task<LatencySummary> RunAsync(
        HttpLoadOptions options,
        Func<CancellationToken, Task<HttpResponseMessage>> send,
        CancellationToken cancellationToken)
    {
        if (options.Warmup > TimeSpan.Zero)
        {
            await RunWindowAsync(options.Concurrency, options.Warmup, send, new LatencyRecorder(), cancellationToken);
        }

        var recorder = new LatencyRecorder();
        var window = await RunWindowAsync(options.Concurrency, options.Duration, send, recorder, cancellationToken);
        return recorder.Summarize(window);
    }

    private static async Task<TimeSpan> RunWindowAsync(
        int concurrency,
        TimeSpan duration,
        Func<CancellationToken, Task<HttpResponseMessage>> send,
        LatencyRecorder recorder,
        CancellationToken cancellationToken)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        window.CancelAfter(duration);
        var loops = Enumerable.Range(0, concurrency)
            .Select(_ => Task.Run(() => LoopAsync(send, recorder.CreateShard(), window.Token), CancellationToken.None))
            .ToArray();
        await Task.WhenAll(loops);
        return Stopwatch.GetElapsedTime(started);
    }

    private static async Task LoopAsync(Func<CancellationToken, Task<HttpResponseMessage>> send, LatencyRecorder.Shard shard, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                using var response = await send(stop);
                var elapsed = Stopwatch.GetTimestamp() - start;
                if (response.IsSuccessStatusCode)
                {
                    shard.RecordSuccess(elapsed);
                }
                else
                {
                    shard.RecordFailure(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return; // the window closed with this request in flight: it is not counted
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                shard.RecordFailure(e.GetType().Name);
            }
        }
    }
}

/// <summary>Calls of the SoulKG API that benchmarks need before they start measuring.</summary>
public static class SoulKgApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>POST /api/v1/auth/token; counts against the sign-in rate limit (10 per minute per IP by default).</summary>
    public static async Task<TokenPair> GetTokenAsync(HttpClient client, string email, string password, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsJsonAsync("api/v1/auth/token", new { email, password }, Json, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new BenchmarkFailedException($"cannot reach {client.BaseAddress}: {e.Message}. Is the app running?");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new BenchmarkFailedException($"sign-in as {email} failed: {(int)response.StatusCode} {body}");
            }

            return await response.Content.ReadFromJsonAsync<TokenPair>(Json, cancellationToken)
                ?? throw new BenchmarkFailedException("sign-in returned an empty body");
        }
    }

    public static void UseBearer(HttpClient client, TokenPair token) =>
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
}
