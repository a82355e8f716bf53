using System.Diagnostics;
using System.Globalization;
using System.Net;
using SoulKg.Domain.Conversations;

namespace SoulKg.Benchmarks.Benchmarks;

/// <summary>
/// The WhatsApp host against the sandbox, through the admin's channel API of a running app:
/// <list type="number">
/// <item>memory: the browser's memory (PSS of Chromium and all its children, as the admin screen shows it) of 1, then N
/// linked Ready channels;</item>
/// <item>recovery: the Chromium of a Ready channel is killed (<c>POST …/browser/kill</c>, as a crash) and the time until the
/// channel is Ready again (without a QR: the profile keeps the session) is measured, K times.</item>
/// </list>
/// Kills are spaced by <c>--kill-gap</c> seconds: the host doubles its restart delay for a channel that dies again within
/// a minute of becoming Ready, so closer kills would measure the backoff, not a recovery.
/// </summary>
public sealed class WhatsAppBenchmark : IBenchmark
{
    public string Name => "whatsapp";

    public string Summary => "WhatsApp host on the sandbox: browser memory per channel (1 and N), kill -> Ready recovery x K; targets <= 300 MB, <= 20 s";

    public string Usage => """
                   --url URL          the running app with the sandbox on (default http://127.0.0.1:5080)
                   --email E          an owner or admin (default owner@soulkg.demo)
                   --password P       their password (default Demo123!)
                   --channels N       linked sandbox channels for the memory figure, 1..20 (default 3)
                   --kills K          browser kills, 1..50 (default 5)
                   --kill-gap S       seconds a channel stays Ready before the next kill, 0..600 (default 61)
                   --settle S         seconds after a channel is Ready before its memory is read, 0..120 (default 10)
        """;

    public async Task<int> RunAsync(BenchmarkArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        var url = args.GetBaseUrl("url", "http://127.0.0.1:5080");
        var email = args.GetString("email", "owner@soulkg.demo");
        var password = args.GetString("password", "Demo123!");
        var count = args.GetInt("channels", 3, 1, 20);
        var kills = args.GetInt("kills", 5, 1, 50);
        var gap = TimeSpan.FromSeconds(args.GetInt("kill-gap", 61, 0, 600));
        var settle = TimeSpan.FromSeconds(args.GetInt("settle", 10, 0, 120));
        args.EnsureAllUsed();

        using var api = HttpLoad.CreateClient(new HttpLoadOptions(url, 4, TimeSpan.Zero, TimeSpan.Zero));
        SoulKgApi.UseBearer(api, await SoulKgApi.GetTokenAsync(api, email, password, cancellationToken));
        var channels = new SandboxChannels(api);
        await output.WriteLineAsync($"whatsapp: {url}; load on this machine: {BoardBenchmark.Load()}");

        var ids = await channels.EnsureReadyAsync(count, async ready =>
        {
            await Task.Delay(settle, cancellationToken);
            var list = (await channels.ListAsync(cancellationToken)).Where(c => ready.Contains(c.Id)).ToList();
            var memory = list.Select(c => c.BrowserMemoryBytes ?? 0).ToList();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"whatsapp memory with {ready.Count} Ready channel(s): total {Mb(memory.Sum())} MB, per channel {Mb(memory.Sum() / ready.Count)} MB " +
                $"(each: {string.Join(", ", memory.Select(Mb))} MB){(list.Any(c => !c.DrivenHere) ? "; some channels are driven by another instance" : "")}"));
        }, cancellationToken);

        var target = ids[0];
        var times = new List<double>();
        for (var k = 0; k < kills; k++)
        {
            await channels.LinkAsync(target, cancellationToken);
            var before = await channels.GetAsync(target, cancellationToken);
            var readyFor = DateTimeOffset.UtcNow - before.StateChangedAt;
            if (readyFor < gap)
            {
                await Task.Delay(gap - readyFor, cancellationToken);
            }

            var restarts = (await channels.GetAsync(target, cancellationToken)).Restarts ?? 0;
            var watch = Stopwatch.StartNew();
            using (var kill = await api.PostAsync($"api/v1/channels/{target}/browser/kill", null, cancellationToken))
            {
                if (kill.StatusCode != HttpStatusCode.Accepted)
                {
                    await SandboxChannels.EnsureAsync(kill, "kill", cancellationToken);
                    throw new BenchmarkFailedException($"kill answered {(int)kill.StatusCode}");
                }
            }

            // Ready again after a restart the host counted (the state may pass Disconnected faster than a poll sees it).
            while (true)
            {
                var now = await channels.GetAsync(target, cancellationToken);
                if (now.State == ChannelState.Ready && (now.Restarts ?? 0) > restarts)
                {
                    break;
                }

                if (now.State is ChannelState.WaitingForQr or ChannelState.LoggedOut or ChannelState.Failed || watch.Elapsed > TimeSpan.FromMinutes(3))
                {
                    throw new BenchmarkFailedException($"kill {k + 1}: the channel went {now.State} ({now.StateReason}) instead of Ready");
                }

                await Task.Delay(100, cancellationToken);
            }

            times.Add(watch.Elapsed.TotalMilliseconds);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"whatsapp kill {k + 1}: Ready again after {watch.Elapsed.TotalSeconds:0.0} s"));
        }

        times.Sort();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"whatsapp recovery (kill -> Ready, no QR), {times.Count} kills: min {times[0] / 1000:0.0} s | median {BoardBenchmark.Percentile(times, 50) / 1000:0.0} s | max {times[^1] / 1000:0.0} s; target <= 20 s: {(times[^1] <= 20_000 ? "met" : "missed")}"));
        await output.WriteLineAsync($"whatsapp: done; load on this machine: {BoardBenchmark.Load()}");
        return 0;
    }

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0", CultureInfo.InvariantCulture);
}
