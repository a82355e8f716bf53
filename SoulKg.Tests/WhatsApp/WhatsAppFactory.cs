using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Notifications;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Infrastructure.WhatsApp;
using SoulKg.Infrastructure.WhatsApp.Sandbox;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.WhatsApp;

/// <summary>Keeps every notice, so tests can see who was told what.</summary>
public sealed class RecordingNotifier : INotifier
{
    public ConcurrentQueue<Notice> Notices { get; } = new();

    public Task NotifyAsync(Notice notice, CancellationToken cancellationToken)
    {
        Notices.Enqueue(notice);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The whole app on Kestrel with the real WhatsApp host driving Debian's Chromium against the sandbox: a fast-rotating
/// QR, a quick watchdog and restart, no send pacing. Only the notifier is replaced (to read what admins were told).
/// </summary>
public class WhatsAppFactory : SoulKgWebFactory
{
    public WhatsAppFactory() => UseKestrel(0);

    public RecordingNotifier Notifier { get; } = new();

    public SandboxServer Sandbox => Services.GetRequiredService<SandboxServer>();

    public WhatsAppHost Host => Services.GetRequiredService<WhatsAppHost>();

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("WhatsApp:SandboxEnabled", "true"),
        new("WhatsApp:Mode", "Sandbox"),
        new("WhatsApp:ChromiumPath", TestSettings.ChromiumPath),
        new("WhatsApp:SandboxQrRotateSeconds", "8"),
        new("WhatsApp:SandboxQrRotations", "3"),
        new("WhatsApp:ReconcileInterval", "00:00:01"),
        new("WhatsApp:WatchdogInterval", "00:00:02"),
        new("WhatsApp:WatchdogTimeout", "00:00:05"),
        new("WhatsApp:FirstRestartDelay", "00:00:00.500"),
        new("Outbox:PaceSends", "false"),
        new("Outbox:SweepInterval", "00:00:00.500"),
        new("Outbox:FirstRetryDelay", "00:00:00.500"),
        new("Outbox:MaxAttempts", "20"),
        new("Outbox:MaxRetryDelay", "00:00:02"),
        new("Inbox:EchoGateway", "false"),
        new("Agents:AutoReply", "false"), // the host is tested here; the agent answering the same chats is its own suite
    ];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<INotifier>();
            services.AddSingleton<INotifier>(Notifier);
        });
    }

    public AsyncServiceScope SystemScope(Guid orgId)
    {
        var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId);
        return scope;
    }

    public AsyncServiceScope UserScope(TestAccount account)
    {
        var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetUser(account.OrgId, account.UserId, account.Role, account.Role + " Тестов");
        return scope;
    }

    /// <summary>A new sandbox channel of the organisation, switched on (the host starts its browser).</summary>
    public async Task<Guid> StartChannelAsync(Guid orgId)
    {
        await using var scope = SystemScope(orgId);
        var channel = await scope.ServiceProvider.GetRequiredService<ChannelService>().CreateAsync("WhatsApp (песочница)", ChannelMode.Sandbox);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync();
        await db.Channels.Where(c => c.Id == channel.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ChannelState.Starting));
        Host.Wake();
        return channel.Id;
    }

    public async Task<Channel> ChannelAsync(Guid orgId, Guid channelId)
    {
        await using var scope = SystemScope(orgId);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync();
        return await db.Channels.AsNoTracking().SingleAsync(c => c.Id == channelId);
    }

    public async Task<Channel> WaitForStateAsync(Guid orgId, Guid channelId, ChannelState state, int seconds = 30)
    {
        Channel? channel = null;
        await Eventually.TrueAsync(async () => (channel = await ChannelAsync(orgId, channelId)).State == state, seconds,
            () => $"channel is {channel?.State} ({channel?.StateReason}), expected {state}");
        return channel!;
    }

    /// <summary>Links the channel as a phone would: waits for a QR and scans it.</summary>
    public async Task LinkAsync(Guid orgId, Guid channelId)
    {
        // A loaded machine may take longer than a rotation between reading the QR and the page taking the scan: scan again.
        await Eventually.TrueAsync(async () =>
        {
            if (Host.Status(channelId) is { Qr: { } qr, QrIdle: var idle })
            {
                if (idle)
                {
                    await Host.RefreshQrAsync(channelId);
                }
                else
                {
                    Sandbox.Scan(channelId, qr);
                }

                await Task.Delay(1500);
            }

            return (await ChannelAsync(orgId, channelId)).State is ChannelState.Pairing or ChannelState.Syncing or ChannelState.Ready;
        }, 45, () => "the scan never took");
        await WaitForStateAsync(orgId, channelId, ChannelState.Ready);
    }

    public async Task<T> WithDbAsync<T>(Guid orgId, Func<SoulKgDbContext, Task<T>> query)
    {
        await using var scope = SystemScope(orgId);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync();
        return await query(db);
    }
}
