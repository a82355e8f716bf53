namespace SoulKg.Domain.Conversations;

/// <summary>The result of handing one message to a messenger.</summary>
public sealed record SendResult(bool Succeeded, string? ExternalId, string? Error, bool Retryable = true)
{
    public static SendResult Sent(string externalId) => new(true, externalId, null);

    public static SendResult Failed(string error, bool retryable = true) => new(false, null, error, retryable);
}

/// <summary>
/// The port every channel adapter implements (WhatsApp Web through Playwright, its sandbox, Telegram later).
/// Inbound messages and status updates travel the other way, through the inbound pipeline.
/// </summary>
public interface IChannelGateway
{
    /// <summary>Whether this adapter drives the given channel mode.</summary>
    bool Handles(ChannelKind kind, ChannelMode mode);

    /// <summary>
    /// Sends a text. <paramref name="idempotencyKey"/> is stable across retries of the same message: an adapter must not
    /// deliver it twice when called again with the same key (after a crash between sending and recording).
    /// </summary>
    Task<SendResult> SendTextAsync(Guid channelId, string chatId, string text, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Shows or clears "typing…" in the chat; best effort.</summary>
    Task SetTypingAsync(Guid channelId, string chatId, bool typing, CancellationToken cancellationToken);
}
