using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SoulKg.Benchmarks.Benchmarks;

/// <summary>
/// The live funnel board in real browsers (Debian's Chromium through Playwright), each page its own Blazor circuit:
/// <list type="number">
/// <item>first render: a fresh page opens /funnel of the seed-load organisation and waits until its cards are shown
/// (they are read by the interactive circuit, so "shown" is also "interactive");</item>
/// <item>server memory per idle board circuit: the server's resident memory before and after opening K boards that
/// then sit idle (needs <c>--server-pid</c>: the server must run on this machine);</item>
/// <item>move → visible in N other sessions: a fresh small organisation, N pages on its board, and moves sent through
/// the REST API (the same DealStageService the drag uses); every page records with a MutationObserver the moment the
/// card appears in its new column, and the latency is that moment minus the moment the move was sent.</item>
/// </list>
/// Browser and benchmark share one clock (same machine), so the latencies include the HTTP request, the commit, the
/// PostgreSQL NOTIFY, the instance's LISTEN fan-out, the circuit's re-read and render, and the browser applying it.
/// </summary>
public sealed class BoardBenchmark : IBenchmark
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => "board";

    public string Summary => "funnel board in Chromium: first render (10k deals), memory per idle circuit, move -> N other sessions";

    public string Usage => """
                   --url URL          the running app (default http://127.0.0.1:5080)
                   --email E          seed-load owner for the first render (default load@soulkg.demo)
                   --password P       their password (default Demo123!)
                   --renders N        first renders measured, 1..50 (default 5)
                   --idle K           idle board circuits opened for the memory figure, 1..100 (default 10)
                   --server-pid PID   the app's process id, for the memory figure (skipped without it)
                   --sessions LIST    comma-separated N of other open sessions (default 1,10,50)
                   --moves M          moves per N, 2..500 (default 20)
                   --chromium PATH    browser (default $SOULKG_CHROMIUM or /usr/bin/chromium)
        """;

    public async Task<int> RunAsync(BenchmarkArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var baseUrl = args.GetBaseUrl("url", "http://127.0.0.1:5080");
        var email = args.GetString("email", "load@soulkg.demo");
        var password = args.GetString("password", "Demo123!");
        var renders = args.GetInt("renders", 5, 1, 50);
        var idle = args.GetInt("idle", 10, 1, 100);
        var serverPid = args.GetInt("server-pid", 0, 0, int.MaxValue);
        var sessions = args.GetString("sessions", "1,10,50").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 200 ? n
                : throw new ArgumentException($"--sessions: '{s}' is not a number from 1 to 200")).ToArray();
        var moves = args.GetInt("moves", 20, 2, 500);
        var chromium = args.GetString("chromium", Environment.GetEnvironmentVariable("SOULKG_CHROMIUM") ?? "/usr/bin/chromium");
        args.EnsureAllUsed();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright, chromium);
        await output.WriteLineAsync($"board: {baseUrl}, Chromium {browser.Version}; load on this machine: {Load()}");

        var loadState = await SignInAsync(browser, baseUrl, email, password);
        await FirstRenderAsync(browser, baseUrl, loadState, renders, output, cancellationToken);
        if (serverPid > 0)
        {
            await IdleMemoryAsync(browser, baseUrl, loadState, idle, serverPid, output, cancellationToken);
        }
        else
        {
            await output.WriteLineAsync("board memory: skipped (pass --server-pid of the app running on this machine)");
        }

        foreach (var n in sessions)
        {
            await PropagationAsync(browser, baseUrl, n, moves, output, cancellationToken);
        }

        await output.WriteLineAsync($"board: done; load on this machine: {Load()}");
        return 0;
    }

    private static async Task FirstRenderAsync(IBrowser browser, Uri baseUrl, string state, int renders, TextWriter output, CancellationToken ct)
    {
        var times = new List<double>();
        for (var i = 0; i <= renders; i++)
        {
            ct.ThrowIfCancellationRequested();
            await using var context = await NewContextAsync(browser, baseUrl, state);
            var page = await context.NewPageAsync();
            var watch = Stopwatch.StartNew();
            await page.GotoAsync("funnel");
            await page.Locator("[data-testid='board'] [data-testid^='card-']").First.WaitForAsync(new() { Timeout = 60_000 });
            var elapsed = watch.Elapsed.TotalMilliseconds;
            var cards = await page.Locator("[data-testid^='card-']").CountAsync();
            var deals = await page.Locator("[data-testid^='count-']").AllInnerTextsAsync();
            if (i == 0)
            {
                // The first one pays for the server's and the browser's warm-up; it is shown, not counted.
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"board first render: warm-up {elapsed:0} ms ({cards} cards shown of {deals.Sum(d => int.TryParse(d, out var n) ? n : 0)} deals)"));
                continue;
            }

            times.Add(elapsed);
        }

        times.Sort();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"board first render (navigation -> cards shown by the circuit), {times.Count} runs: p50 {Percentile(times, 50):0} ms | max {times[^1]:0} ms | all {string.Join(", ", times.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))} ms"));
    }

    private static async Task IdleMemoryAsync(IBrowser browser, Uri baseUrl, string state, int idle, int pid, TextWriter output, CancellationToken ct)
    {
        await using var context = await NewContextAsync(browser, baseUrl, state);
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var before = ResidentMegabytes(pid);
        for (var i = 0; i < idle; i++)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("funnel");
            await page.Locator("[data-testid='board'] [data-testid^='card-']").First.WaitForAsync(new() { Timeout = 60_000 });
        }

        // Let the circuits settle (render batches acknowledged, buffers trimmed) before reading the figure.
        await Task.Delay(TimeSpan.FromSeconds(10), ct);
        var after = ResidentMegabytes(pid);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"board memory: server RSS {before:0.0} MB -> {after:0.0} MB with {idle} idle board circuits = {(after - before) / idle:0.00} MB per circuit"));
    }

    private static async Task PropagationAsync(IBrowser browser, Uri baseUrl, int n, int moves, TextWriter output, CancellationToken ct)
    {
        using var api = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        var email = $"board-bench-{Guid.NewGuid():N}@bench.soulkg.kg";
        const string password = "Bench123!";
        using (var signUp = await api.PostAsJsonAsync("api/v1/auth/signup",
                   new { organizationName = "Board bench " + n, displayName = "Bench Owner", email, password }, Json, ct))
        {
            if (!signUp.IsSuccessStatusCode)
            {
                throw new BenchmarkFailedException($"sign-up failed: {(int)signUp.StatusCode} {await signUp.Content.ReadAsStringAsync(ct)}");
            }
        }

        SoulKgApi.UseBearer(api, await SoulKgApi.GetTokenAsync(api, email, password, ct));
        var stages = (await api.GetFromJsonAsync<List<IdOnly>>("api/v1/funnel/stages", Json, ct))!;
        var client = await PostAsync(api, "api/v1/clients", new { name = "Бенчмарк Доска", phones = new[] { "+996555" + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture) } }, ct);
        var deal = await PostAsync(api, "api/v1/deals", new { clientId = client.Id, adults = 2 }, ct);

        var state = await SignInAsync(browser, baseUrl, email, password);
        await using var context = await NewContextAsync(browser, baseUrl, state);
        var pages = new List<IPage>();
        for (var i = 0; i < n; i++)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("funnel");
            await page.GetByTestId($"card-{deal.Id}").WaitForAsync(new() { Timeout = 60_000 });
            await page.EvaluateAsync("""
                () => {
                    window.__seen = 0;
                    window.__target = null;
                    new MutationObserver(() => {
                        if (!window.__seen && window.__target && document.querySelector(window.__target)) window.__seen = Date.now();
                    }).observe(document.body, { subtree: true, childList: true, attributes: true });
                }
                """);
            pages.Add(page);
        }

        var latencies = new List<double>();
        var missed = 0;
        for (var m = 0; m < moves; m++)
        {
            ct.ThrowIfCancellationRequested();
            var to = stages[1 + (m % (stages.Count - 1))].Id;
            var target = $"[data-testid='column-{to}'] [data-testid='card-{deal.Id}']";
            await Task.WhenAll(pages.Select(p => p.EvaluateAsync("t => { window.__seen = 0; window.__target = t; }", target)));
            var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            using (var move = await api.PostAsJsonAsync($"api/v1/deals/{deal.Id}/move", new { stageId = to }, Json, ct))
            {
                if (!move.IsSuccessStatusCode)
                {
                    throw new BenchmarkFailedException($"move failed: {(int)move.StatusCode} {await move.Content.ReadAsStringAsync(ct)}");
                }
            }

            missed += await CollectSeenAsync(pages, sent, TimeSpan.FromSeconds(15), latencies, ct);
            // Let the boards go quiet, so one move's render does not overlap the next one's.
            await Task.Delay(300, ct);
        }

        latencies.Sort();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"board move -> visible in N={n} other sessions: {latencies.Count} observations ({moves} moves) | p50 {Percentile(latencies, 50):0} ms | p95 {Percentile(latencies, 95):0} ms | max {(latencies.Count > 0 ? latencies[^1] : 0):0} ms | not seen within 15 s: {missed}"));
    }

    private static async Task<IdOnly> PostAsync(HttpClient api, string url, object body, CancellationToken ct)
    {
        using var response = await api.PostAsJsonAsync(url, body, Json, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchmarkFailedException($"POST {url} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        return (await response.Content.ReadFromJsonAsync<IdOnly>(Json, ct))!;
    }

    /// <summary>Headless Chromium that keeps background pages running at full speed (every page is watched at once).</summary>
    internal static Task<IBrowser> LaunchAsync(IPlaywright playwright, string chromium) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = chromium,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-renderer-backgrounding", "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows"],
    });

    /// <summary>
    /// Polls every page's <c>window.__seen</c> (set by its MutationObserver) until all saw the change or the time is up;
    /// adds seen − <paramref name="sent"/> per page to <paramref name="latencies"/> and returns how many never saw it.
    /// </summary>
    internal static async Task<int> CollectSeenAsync(IReadOnlyList<IPage> pages, long sent, TimeSpan timeout, List<double> latencies, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        var seen = new long[pages.Count];
        while (seen.Any(s => s == 0) && deadline.Elapsed < timeout)
        {
            await Task.Delay(50, ct);
            for (var i = 0; i < pages.Count; i++)
            {
                if (seen[i] == 0)
                {
                    seen[i] = await pages[i].EvaluateAsync<long>("() => window.__seen");
                }
            }
        }

        latencies.AddRange(seen.Where(s => s > 0).Select(s => (double)(s - sent)));
        return seen.Count(s => s == 0);
    }

    /// <summary>Signs in through the login form once and returns the browser state (the auth cookie) for new contexts.</summary>
    internal static async Task<string> SignInAsync(IBrowser browser, Uri baseUrl, string email, string password)
    {
        await using var context = await NewContextAsync(browser, baseUrl, null);
        var page = await context.NewPageAsync();
        await page.GotoAsync("Account/Login");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Пароль", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal), new() { Timeout = 30_000 });
        return await context.StorageStateAsync();
    }

    internal static Task<IBrowserContext> NewContextAsync(IBrowser browser, Uri baseUrl, string? state) => browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = baseUrl.ToString(),
        Locale = "ru-RU",
        TimezoneId = "Asia/Bishkek",
        StorageState = state,
        ViewportSize = new ViewportSize { Width = 1600, Height = 1000 },
    });

    internal static double Percentile(List<double> sorted, int percent) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double ResidentMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            ?? throw new BenchmarkFailedException($"no VmRSS for process {pid}");
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    internal static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private sealed record IdOnly(Guid Id);
}
