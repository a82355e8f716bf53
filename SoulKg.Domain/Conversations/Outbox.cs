using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Conversations;

public enum OutboxStatus
{
    Pending = 0,
    Sending = 1,
    Sent = 2,
    Failed = 3,
    Dropped = 4,
}

/// <summary>
/// A message waiting to leave through its channel, written in the same transaction as the message. The dispatcher
/// sends it with the message id as the idempotency key, so a crash between sending and recording never sends twice.
/// </summary>
public sealed class OutboxEntry : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid MessageId { get; set; }
    public Guid ChannelId { get; set; }
    public required string ChatId { get; set; }
    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public string? LockedBy { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

public enum InboundStatus
{
    Pending = 0,
    Processed = 1,
    Failed = 2,
    Duplicate = 3,
}

/// <summary>
/// An inbound message exactly as the channel delivered it, stored before anything else may fail. Processing it
/// (client, conversation, message, push, agent) can be retried from here; (channel, external id) is unique.
/// </summary>
public sealed class InboundEnvelope : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid ChannelId { get; set; }
    public required string ExternalId { get; set; }
    public required string Payload { get; set; }
    public InboundStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    public Guid? MessageId { get; set; }
}

/// <summary>A canned reply; personal when it has an owner. Placeholders: {имя}, {тур}, {менеджер}.</summary>
public sealed class CannedReply : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid? OwnerUserId { get; set; }
    public required string Shortcut { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
