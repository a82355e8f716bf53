using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Conversations;

/// <summary>Acks from the messenger move a message forward (sent → delivered → read), never back.</summary>
public sealed class MessageStatusService(IServiceScopeFactory scopes, TimeProvider clock)
{
    public async Task<bool> AckAsync(Guid orgId, Guid channelId, string externalId, MessageStatus status, string? error = null, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.System, "ack");
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var earlier = Earlier(status);
        var updated = await db.Messages
            .Where(m => m.ChannelId == channelId && m.ExternalId == externalId && m.Direction == MessageDirection.Outbound && earlier.Contains(m.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, status).SetProperty(m => m.StatusAt, now).SetProperty(m => m.Error, error), ct);
        return updated > 0;
    }

    private static MessageStatus[] Earlier(MessageStatus status) => status switch
    {
        MessageStatus.Sent => [MessageStatus.Queued],
        MessageStatus.Delivered => [MessageStatus.Queued, MessageStatus.Sent],
        MessageStatus.Read => [MessageStatus.Queued, MessageStatus.Sent, MessageStatus.Delivered],
        MessageStatus.Failed => [MessageStatus.Queued, MessageStatus.Sent],
        _ => [],
    };
}
