using SoulKg.Domain.Conversations;

namespace SoulKg.Infrastructure.WhatsApp;

/// <summary>The outbox's way out for WhatsApp channels (real and sandbox alike): through the bridge of the channel's browser.</summary>
public sealed class WhatsAppGateway(WhatsAppHost host) : IChannelGateway
{
    public bool Handles(ChannelKind kind, ChannelMode mode) => kind == ChannelKind.WhatsApp;

    public Task<SendResult> SendTextAsync(Guid channelId, string chatId, string text, string idempotencyKey, CancellationToken cancellationToken) =>
        host.Session(channelId) is { } session
            ? session.SendTextAsync(chatId, text, idempotencyKey, cancellationToken)
            : Task.FromResult(SendResult.Failed("Канал WhatsApp не запущен на этом экземпляре приложения."));

    public Task SetTypingAsync(Guid channelId, string chatId, bool typing, CancellationToken cancellationToken) =>
        host.Session(channelId)?.SetTypingAsync(chatId, typing) ?? Task.CompletedTask;
}
