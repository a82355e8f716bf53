using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SoulKg.Domain;
using SoulKg.Domain.Conversations;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Infrastructure.WhatsApp;

namespace SoulKg.Web.Features.Channels;

public sealed record ChannelEventItem(DateTimeOffset At, ChannelState State, string Text);

/// <summary>
/// What an admin does with the organisation's WhatsApp channels. Every read and write goes through the org-filtered
/// context (and RLS), so a channel of another organisation is never found here, and neither is its QR.
/// </summary>
public sealed class ChannelAdminService(
    IDbContextFactory<SoulKgDbContext> factory,
    ChannelService channels,
    WhatsAppHost host,
    OrgContext org,
    IOptions<WhatsAppOptions> options,
    TimeProvider clock)
{
    public Task<IReadOnlyList<ChannelItem>> ListAsync(CancellationToken ct = default) => channels.ListAsync(ct);

    public async Task<ChannelItem?> GetAsync(Guid channelId, CancellationToken ct = default) =>
        (await channels.ListAsync(ct)).FirstOrDefault(c => c.Id == channelId);

    /// <summary>The host's live view (QR, memory) of a channel of this organisation; null for any other channel.</summary>
    public async Task<SessionStatus?> StatusAsync(Guid channelId, CancellationToken ct = default) =>
        await OwnsAsync(channelId, ct) ? host.Status(channelId) : null;

    /// <summary>"Подключить WhatsApp": a new channel in the configured mode, started at once so its QR shows up.</summary>
    public async Task<ChannelItem> ConnectNewAsync(CancellationToken ct = default)
    {
        var count = (await channels.ListAsync(ct)).Count;
        var name = options.Value.Mode == ChannelMode.Sandbox ? $"WhatsApp (песочница) {count + 1}" : $"WhatsApp {count + 1}";
        var channel = await channels.CreateAsync(name, options.Value.Mode, options.Value.SendsPerMinute, options.Value.TypingMilliseconds, ct);
        await MoveAsync(channel.Id, [ChannelState.Stopped], ChannelState.Starting, "Подключение начато", ct);
        return channel;
    }

    /// <summary>Starts a stopped channel, restarts a failed one, relinks a logged-out one (its profile was wiped: a new QR).</summary>
    public Task<bool> StartAsync(Guid channelId, CancellationToken ct = default) =>
        MoveAsync(channelId, [ChannelState.Stopped, ChannelState.Failed, ChannelState.LoggedOut], ChannelState.Starting, "Запуск", ct);

    public Task<bool> StopAsync(Guid channelId, CancellationToken ct = default) =>
        MoveAsync(channelId, ChannelStateStore.Running, ChannelState.Stopped, "Канал остановлен", ct);

    public async Task<bool> RefreshQrAsync(Guid channelId, CancellationToken ct = default) =>
        await OwnsAsync(channelId, ct) && await host.RefreshQrAsync(channelId);

    public async Task<bool> TakeoverAsync(Guid channelId, CancellationToken ct = default) =>
        await OwnsAsync(channelId, ct) && await host.TakeoverAsync(channelId);

    /// <summary>Kills the channel's Chromium as a crash would (diagnostics, the recovery benchmark); false when this instance does not drive it.</summary>
    public async Task<bool> KillBrowserAsync(Guid channelId, CancellationToken ct = default) =>
        await OwnsAsync(channelId, ct) && host.KillBrowser(channelId);

    public async Task<IReadOnlyList<ChannelEventItem>> EventsAsync(Guid channelId, int take = 20, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ChannelEvents.AsNoTracking().Where(e => e.ChannelId == channelId).OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(take)
            .Select(e => new ChannelEventItem(e.At, e.State, e.Text)).ToListAsync(ct);
    }

    private async Task<bool> OwnsAsync(Guid channelId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Channels.AnyAsync(c => c.Id == channelId, ct);
    }

    private async Task<bool> MoveAsync(Guid channelId, ChannelState[] from, ChannelState to, string text, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var moved = await db.Channels.Where(c => c.Id == channelId && from.Contains(c.State))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, to).SetProperty(c => c.StateReason, (string?)null).SetProperty(c => c.StateChangedAt, now), ct);
        if (moved == 0)
        {
            return false;
        }

        db.ChannelEvents.Add(new ChannelEvent { ChannelId = channelId, At = now, State = to, Text = $"{text} ({org.ActorName ?? "система"})" });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        host.Wake();
        return true;
    }
}
