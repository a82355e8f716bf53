using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.WhatsApp;

/// <summary>A channel the host should drive, with its organisation.</summary>
public sealed record HostedChannel(Guid OrgId, Guid ChannelId, ChannelMode Mode, ChannelState State);

/// <summary>
/// Persists channel states and the event log. Every write goes through the database, whose trigger pushes the change to
/// every open admin screen of the organisation (on any instance).
/// </summary>
public sealed class ChannelStateStore(IServiceScopeFactory scopes, TimeProvider clock)
{
    /// <summary>The states in which a channel wants its browser running.</summary>
    public static readonly ChannelState[] Running =
        [ChannelState.Starting, ChannelState.WaitingForQr, ChannelState.Pairing, ChannelState.Syncing, ChannelState.Ready, ChannelState.Disconnected, ChannelState.Conflict];

    public async Task<List<HostedChannel>> RunnableAsync(CancellationToken ct)
    {
        var result = new List<HostedChannel>();
        List<Guid> orgs;
        await using (var scope = scopes.CreateAsyncScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
            orgs = await db.OrgRegistry.Select(o => o.Id).ToListAsync(ct);
        }

        foreach (var orgId in orgs)
        {
            await using var scope = Scope(orgId, out var factory);
            await using var db = await factory.CreateDbContextAsync(ct);
            result.AddRange(await db.Channels.AsNoTracking()
                .Where(c => c.Kind == ChannelKind.WhatsApp && c.IsActive && Running.Contains(c.State))
                .Select(c => new HostedChannel(orgId, c.Id, c.Mode, c.State))
                .ToListAsync(ct));
        }

        return result;
    }

    /// <summary>
    /// Moves the channel to <paramref name="state"/> and logs it. A channel an admin stopped stays stopped: the host never
    /// overwrites Stopped (only an admin's command leaves it).
    /// </summary>
    public async Task<bool> SetStateAsync(Guid orgId, Guid channelId, ChannelState state, string? reason, string text, string? phone = null, CancellationToken ct = default)
    {
        await using var scope = Scope(orgId, out var factory);
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var updated = await db.Channels.Where(c => c.Id == channelId && c.State != ChannelState.Stopped)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, state).SetProperty(c => c.StateReason, Cut(reason))
                .SetProperty(c => c.StateChangedAt, now).SetProperty(c => c.Phone, c => phone ?? c.Phone), ct);
        if (updated == 0)
        {
            return false;
        }

        db.ChannelEvents.Add(new ChannelEvent { ChannelId = channelId, At = now, State = state, Text = Cut(text)! });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>Logs something that does not change the state (a bridge report, a restart, an admin's action).</summary>
    public async Task LogAsync(Guid orgId, Guid channelId, string text, CancellationToken ct = default)
    {
        await using var scope = Scope(orgId, out var factory);
        await using var db = await factory.CreateDbContextAsync(ct);
        var state = await db.Channels.Where(c => c.Id == channelId).Select(c => c.State).FirstOrDefaultAsync(ct);
        db.ChannelEvents.Add(new ChannelEvent { ChannelId = channelId, At = clock.GetUtcNow(), State = state, Text = Cut(text)! });
        await db.SaveChangesAsync(ct);
    }

    public async Task<ChannelState?> StateAsync(Guid orgId, Guid channelId, CancellationToken ct)
    {
        await using var scope = Scope(orgId, out var factory);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Channels.Where(c => c.Id == channelId).Select(c => (ChannelState?)c.State).FirstOrDefaultAsync(ct);
    }

    private AsyncServiceScope Scope(Guid orgId, out IDbContextFactory<SoulKgDbContext> factory)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.System, "whatsapp");
        factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>();
        return scope;
    }

    private static string? Cut(string? text) => text is { Length: > 1000 } ? text[..1000] : text;
}
