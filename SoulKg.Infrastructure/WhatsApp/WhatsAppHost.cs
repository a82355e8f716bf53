using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Npgsql;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Notifications;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Realtime;
using SoulKg.Infrastructure.WhatsApp.Sandbox;

namespace SoulKg.Infrastructure.WhatsApp;

/// <summary>
/// Owns one headless Chromium context per WhatsApp channel that wants to run (state Starting … Conflict), on every
/// instance that can take the channel's lease: a PostgreSQL session advisory lock held on a connection of its own for as
/// long as the browser runs, so only one instance ever drives a channel and a dead instance's lease ends with its
/// connection. It reconciles on every channel change and every few seconds.
/// </summary>
public sealed class WhatsAppHost(
    IOptions<WhatsAppOptions> options,
    ChannelStateStore store,
    InboundPipeline inbound,
    MessageStatusService statuses,
    INotifier notifier,
    SandboxServer sandbox,
    ChangeNotifier changes,
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    ILogger<WhatsAppHost> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, (WhatsAppSession Session, NpgsqlConnection Lease)> _sessions = new();
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Action<Guid>, byte>> _watchers = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _reconcile = new(1, 1);
    private IPlaywright? _playwright;
    private SessionServices? _services;

    public string ProfilesPath => options.Value.ProfilesPath!;

    /// <summary>Calls <paramref name="onChange"/> with a channel id whenever a running channel of the org shows something new (QR, state).</summary>
    public IDisposable Watch(Guid orgId, Action<Guid> onChange)
    {
        var set = _watchers.GetOrAdd(orgId, _ => new());
        set.TryAdd(onChange, 0);
        return new Unwatch(() => set.TryRemove(onChange, out _));
    }

    /// <summary>The running session's view of a channel; null when this instance does not drive it.</summary>
    public SessionStatus? Status(Guid channelId) => _sessions.TryGetValue(channelId, out var s) ? s.Session.Status() : null;

    internal WhatsAppSession? Session(Guid channelId) => _sessions.TryGetValue(channelId, out var s) ? s.Session : null;

    /// <summary>Kills the channel's Chromium as a crash would (tests and the benchmark).</summary>
    public bool KillBrowser(Guid channelId) => Session(channelId)?.KillBrowser() ?? false;

    public async Task<bool> RefreshQrAsync(Guid channelId) => await CommandAsync(channelId, "() => window.__soulkg.refreshQr()");

    public async Task<bool> TakeoverAsync(Guid channelId) => await CommandAsync(channelId, "() => window.__soulkg.takeover()");

    public void Wake() => _wake.Release();

    private async Task<bool> CommandAsync(Guid channelId, string expression)
    {
        if (Session(channelId) is not { } session)
        {
            return false;
        }

        try
        {
            return await session.CommandAsync<bool>(expression);
        }
        catch (Exception e) when (e is PlaywrightException or InvalidOperationException)
        {
            logger.LogWarning(e, "Command {Expression} on channel {ChannelId} failed", expression, channelId);
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.HostEnabled)
        {
            return;
        }

        using var subscription = changes.SubscribeAll(change =>
        {
            if (change.Entity == "channel")
            {
                _wake.Release();
            }

            return Task.CompletedTask;
        });
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(stoppingToken);
                await _wake.WaitAsync(options.Value.ReconcileInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "WhatsApp host reconcile failed");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    public async Task ReconcileAsync(CancellationToken ct)
    {
        await _reconcile.WaitAsync(ct);
        try
        {
            var wanted = (await store.RunnableAsync(ct)).ToDictionary(c => c.ChannelId);
            foreach (var (id, running) in _sessions)
            {
                if (!wanted.ContainsKey(id) || running.Session.Finished)
                {
                    await StopSessionAsync(id);
                }
            }

            foreach (var channel in wanted.Values.Where(c => !_sessions.ContainsKey(c.ChannelId)))
            {
                await TryStartAsync(channel, ct);
            }
        }
        finally
        {
            _reconcile.Release();
        }
    }

    private async Task TryStartAsync(HostedChannel channel, CancellationToken ct)
    {
        var lease = await dataSource.OpenConnectionAsync(ct);
        await using (var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", lease))
        {
            command.Parameters.AddWithValue("key", LeaseKey(channel.ChannelId));
            if (await command.ExecuteScalarAsync(ct) is not true)
            {
                await lease.DisposeAsync();
                return;
            }
        }

        var session = new WhatsAppSession(channel, await ServicesAsync());
        _sessions[channel.ChannelId] = (session, lease);
        logger.LogInformation("WhatsApp channel {ChannelId} ({Mode}) starts on this instance", channel.ChannelId, channel.Mode);
        session.Start();
    }

    private async Task StopSessionAsync(Guid channelId)
    {
        if (!_sessions.TryRemove(channelId, out var running))
        {
            return;
        }

        try
        {
            await running.Session.StopAsync();
        }
        finally
        {
            // Closing the connection ends the session advisory lock: another instance may take the channel.
            await running.Lease.DisposeAsync();
        }

        Notify(running.Session.OrgId, channelId);
    }

    /// <summary>The channel id as the 64-bit advisory lock key (its first 8 bytes), prefixed by a fixed namespace class.</summary>
    internal static long LeaseKey(Guid channelId) => BitConverter.ToInt64(channelId.ToByteArray(), 0) ^ 0x5741_5f48_4f53_5400;

    private async Task<SessionServices> ServicesAsync()
    {
        if (_services is not null)
        {
            return _services;
        }

        _playwright ??= await Microsoft.Playwright.Playwright.CreateAsync();
        Directory.CreateDirectory(ProfilesPath);
        _services = new SessionServices(_playwright, options.Value, ProfilesPath, BridgeScript.Value, store, inbound, statuses, notifier, sandbox, clock,
            Notify, logger);
        return _services;
    }

    private void Notify(Guid orgId, Guid channelId)
    {
        if (_watchers.TryGetValue(orgId, out var set))
        {
            foreach (var watcher in set.Keys)
            {
                try
                {
                    watcher(channelId);
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "A channel watcher failed");
                }
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var id in _sessions.Keys)
        {
            try
            {
                await StopSessionAsync(id);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One browser that will not close must not keep the others (and their leases) from stopping.
                logger.LogError(e, "WhatsApp channel {ChannelId} did not stop cleanly", id);
            }
        }

        // A host started again (an app restart in-process) begins with a fresh driver, as a new process would.
        _playwright?.Dispose();
        _playwright = null;
        _services = null;
    }

    internal static readonly Lazy<string> BridgeScript = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SoulKg.WhatsApp.bridge.js")
            ?? throw new InvalidOperationException("The bridge script is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private sealed class Unwatch(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
