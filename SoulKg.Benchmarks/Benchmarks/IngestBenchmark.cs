using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Npgsql;
using SoulKg.Web.Features.Auth;

namespace SoulKg.Benchmarks.Benchmarks;

/// <summary>
/// Inbound messages through the whole real path of a running app: the sandbox phone (<c>POST …/sandbox/messages</c>)
/// queues a client message on the sandbox server, the channel's Chromium long-polls it, the bridge emits it, the host hands
/// it to the inbound pipeline (envelope, dedupe, client and conversation lookup, message, change-feed push).
/// <list type="number">
/// <item>stored: M messages from C concurrent senders; each message's latency is its <c>messages.created_at</c> (read from
/// the database) minus the moment it was posted; the rate is M over first post → last stored;</item>
/// <item>rendered: N inbox pages (real Blazor circuits in Chromium) watch their conversation list with a MutationObserver;
/// a message with a unique text is posted and the latency is the moment it shows in each page minus the moment it was posted.</item>
/// </list>
/// App, database, browsers and the benchmark share one machine and one clock.
/// </summary>
public sealed class IngestBenchmark : IBenchmark
{
    public string Name => "ingest";

    public string Summary => "inbound through the sandbox WhatsApp: posted -> stored (msg/s, p50/p95), posted -> shown in N open inboxes (p50/p95)";

    public string Usage => """
                   --url URL          the running app with the sandbox on (default http://127.0.0.1:5080)
                   --email E          an owner or admin (default owner@soulkg.demo)
                   --password P       their password (default Demo123!)
                   --connection CS    the app's database as the app role, to read stored times (default: ConnectionStrings__Default)
                   --messages M       messages for the stored figure, 1..100000 (default 500)
                   --concurrency C    concurrent senders, 1..64 (default 4)
                   --clients K        distinct client phones, 1..10000 (default 50)
                   --sessions LIST    comma-separated N of open inboxes (default 1,10)
                   --renders R        messages per N for the shown figure, 1..200 (default 10)
                   --chromium PATH    browser (default $SOULKG_CHROMIUM or /usr/bin/chromium)
        """;

    public async Task<int> RunAsync(BenchmarkArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var url = args.GetBaseUrl("url", "http://127.0.0.1:5080");
        var email = args.GetString("email", "owner@soulkg.demo");
        var password = args.GetString("password", "Demo123!");
        var connection = args.GetString("connection", Environment.GetEnvironmentVariable("ConnectionStrings__Default") ?? "");
        var messages = args.GetInt("messages", 500, 1, 100_000);
        var concurrency = args.GetInt("concurrency", 4, 1, 64);
        var clients = args.GetInt("clients", 50, 1, 10_000);
        var sessions = args.GetString("sessions", "1,10").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100 ? n
                : throw new ArgumentException($"--sessions: '{s}' is not a number from 1 to 100")).ToArray();
        var renders = args.GetInt("renders", 10, 1, 200);
        var chromium = args.GetString("chromium", Environment.GetEnvironmentVariable("SOULKG_CHROMIUM") ?? "/usr/bin/chromium");
        args.EnsureAllUsed();
        if (connection.Length == 0)
        {
            throw new ArgumentException("--connection or ConnectionStrings__Default is required (the stored times are read from the database).");
        }

        using var api = HttpLoad.CreateClient(new HttpLoadOptions(url, concurrency + 2, TimeSpan.Zero, TimeSpan.Zero));
        SoulKgApi.UseBearer(api, await SoulKgApi.GetTokenAsync(api, email, password, cancellationToken));
        var me = await api.GetFromJsonAsync<MeResponse>("api/v1/me", SandboxChannels.Json, cancellationToken)
            ?? throw new BenchmarkFailedException("GET api/v1/me returned nothing");
        var channels = new SandboxChannels(api);
        var channelId = (await channels.EnsureReadyAsync(1, null, cancellationToken))[0];
        await output.WriteLineAsync($"ingest: {url}, channel {channelId}; load on this machine: {BoardBenchmark.Load()}");

        await StoredAsync(channels, channelId, me.OrgId, connection, messages, concurrency, clients, output, cancellationToken);
        await RenderedAsync(channels, channelId, url, email, password, chromium, sessions, renders, output, cancellationToken);
        await output.WriteLineAsync($"ingest: done; load on this machine: {BoardBenchmark.Load()}");
        return 0;
    }

    private static async Task StoredAsync(SandboxChannels channels, Guid channelId, Guid orgId, string connection, int messages, int concurrency, int clients,
        TextWriter output, CancellationToken ct)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var posted = new ConcurrentDictionary<string, DateTimeOffset>();
        var next = -1;
        var started = DateTimeOffset.UtcNow;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages)
            {
                var phone = "+996 557 " + (100_000 + (i % clients)).ToString(CultureInfo.InvariantCulture);
                var at = DateTimeOffset.UtcNow;
                var id = await channels.SendFromClientAsync(channelId, phone, "Бенчмарк " + (i % clients), $"ingest {run} #{i}: хотим на Сон-Куль в июле", ct);
                posted[id] = at;
            }
        }, ct)));
        var postedIn = DateTimeOffset.UtcNow - started;

        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        await using (var org = new NpgsqlCommand("SELECT set_config('app.org_id', @org, false)", db))
        {
            org.Parameters.AddWithValue("org", orgId.ToString());
            await org.ExecuteNonQueryAsync(ct);
        }

        var ids = posted.Keys.ToArray();
        var stored = new Dictionary<string, DateTimeOffset>();
        var wait = Stopwatch.StartNew();
        while (stored.Count < ids.Length && wait.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(500, ct);
            await using var query = new NpgsqlCommand("SELECT external_id, created_at FROM messages WHERE channel_id = @channel AND external_id = ANY(@ids)", db);
            query.Parameters.AddWithValue("channel", channelId);
            query.Parameters.AddWithValue("ids", ids);
            await using var reader = await query.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                stored[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
            }
        }

        var latencies = stored.Select(s => (s.Value - posted[s.Key]).TotalMilliseconds).Order().ToList();
        var window = (stored.Count == 0 ? DateTimeOffset.UtcNow : stored.Values.Max()) - started;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"ingest stored (sandbox phone -> browser -> bridge -> pipeline -> row): {stored.Count}/{messages} messages from {clients} clients, " +
            $"posted in {postedIn.TotalSeconds:0.0} s by {concurrency} senders, all stored {window.TotalSeconds:0.0} s after the first post = " +
            $"{stored.Count / window.TotalSeconds:0.0} msg/s | p50 {BoardBenchmark.Percentile(latencies, 50):0} ms | p95 {BoardBenchmark.Percentile(latencies, 95):0} ms | " +
            $"max {(latencies.Count > 0 ? latencies[^1] : 0):0} ms | not stored within 5 min: {messages - stored.Count}"));
    }

    private static async Task RenderedAsync(SandboxChannels channels, Guid channelId, Uri url, string email, string password, string chromium, int[] sessions,
        int renders, TextWriter output, CancellationToken ct)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BoardBenchmark.LaunchAsync(playwright, chromium);
        var state = await BoardBenchmark.SignInAsync(browser, url, email, password);
        foreach (var n in sessions)
        {
            await using var context = await BoardBenchmark.NewContextAsync(browser, url, state);
            var pages = new List<IPage>();
            for (var i = 0; i < n; i++)
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync("inbox");
                await page.Locator("[data-testid='conversation-list']").WaitForAsync(new() { Timeout = 60_000 });
                await page.Locator("[data-testid='circuit-ready']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
                await page.EvaluateAsync("""
                    () => {
                        window.__seen = 0;
                        window.__target = null;
                        const list = document.querySelector("[data-testid='conversation-list']");
                        new MutationObserver(() => {
                            if (!window.__seen && window.__target && list.textContent.includes(window.__target)) window.__seen = Date.now();
                        }).observe(list, { subtree: true, childList: true, characterData: true });
                    }
                    """);
                pages.Add(page);
            }

            var latencies = new List<double>();
            var missed = 0;
            for (var r = 0; r < renders; r++)
            {
                var marker = "render-" + Guid.NewGuid().ToString("N")[..10];
                await Task.WhenAll(pages.Select(p => p.EvaluateAsync("t => { window.__seen = 0; window.__target = t; }", marker)));
                var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                await channels.SendFromClientAsync(channelId, "+996 557 999 000", "Бенчмарк Инбокс", "Сообщение " + marker, ct);
                missed += await BoardBenchmark.CollectSeenAsync(pages, sent, TimeSpan.FromSeconds(30), latencies, ct);
                await Task.Delay(300, ct);
            }

            latencies.Sort();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"ingest posted -> shown in N={n} open inboxes: {latencies.Count} observations ({renders} messages) | p50 {BoardBenchmark.Percentile(latencies, 50):0} ms | " +
                $"p95 {BoardBenchmark.Percentile(latencies, 95):0} ms | max {(latencies.Count > 0 ? latencies[^1] : 0):0} ms | not shown within 30 s: {missed}"));
        }
    }
}
