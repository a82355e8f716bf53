using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Web.Features.Inbox.Dev;

/// <summary>
/// DEVELOPMENT ONLY (Inbox:EchoGateway=true): pretends to be the sandbox WhatsApp. "Sends" at once, then acks Delivered
/// and Read a second apart, so the inbox ticks can be seen without the real adapter. A text containing <c>#fail</c> fails
/// on its first attempt (not retryable), so the "Повторить" button can be tried.
/// </summary>
public sealed class DevEchoGateway(IServiceScopeFactory scopes, MessageStatusService statuses, ILogger<DevEchoGateway> logger) : IChannelGateway
{
    private readonly ConcurrentDictionary<Guid, Guid> _orgOfChannel = new();
    private readonly ConcurrentDictionary<string, byte> _failedOnce = new();

    public bool Handles(ChannelKind kind, ChannelMode mode) => mode == ChannelMode.Sandbox;

    public async Task<SendResult> SendTextAsync(Guid channelId, string chatId, string text, string idempotencyKey, CancellationToken cancellationToken)
    {
        if (text.Contains("#fail", StringComparison.OrdinalIgnoreCase) && _failedOnce.TryAdd(idempotencyKey, 0))
        {
            return SendResult.Failed("DevEchoGateway: #fail in the text", retryable: false);
        }

        var orgId = await OrgOfAsync(channelId, cancellationToken);
        var externalId = "echo_" + idempotencyKey;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                await statuses.AckAsync(orgId, channelId, externalId, MessageStatus.Delivered);
                await Task.Delay(TimeSpan.FromSeconds(1));
                await statuses.AckAsync(orgId, channelId, externalId, MessageStatus.Read);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "DevEchoGateway could not ack {ExternalId}", externalId);
            }
        }, CancellationToken.None);
        return SendResult.Sent(externalId);
    }

    public Task SetTypingAsync(Guid channelId, string chatId, bool typing, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The gateway port names only the channel; under RLS its organisation is found by asking each one (a dev database has few).</summary>
    private async Task<Guid> OrgOfAsync(Guid channelId, CancellationToken ct)
    {
        if (_orgOfChannel.TryGetValue(channelId, out var known))
        {
            return known;
        }

        List<Guid> orgs;
        await using (var scope = scopes.CreateAsyncScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
            orgs = await db.OrgRegistry.Select(o => o.Id).ToListAsync(ct);
        }

        foreach (var orgId in orgs)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.System, "dev-echo");
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
            if (await db.Channels.AnyAsync(c => c.Id == channelId, ct))
            {
                return _orgOfChannel[channelId] = orgId;
            }
        }

        throw new InvalidOperationException($"Channel {channelId} belongs to no organisation.");
    }
}
