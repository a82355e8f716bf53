using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Conversations;

/// <summary>Who answers the client right now.</summary>
public enum Holder
{
    /// <summary>The AI agent answers.</summary>
    AiActive = 0,

    /// <summary>The agent asked for a person (or was unsure); nobody has taken it yet.</summary>
    WaitingForHuman = 1,

    /// <summary>A named operator holds the chat; the agent stays silent.</summary>
    Human = 2,

    Closed = 3,
}

/// <summary>
/// A chat on one channel: with a client (or a group), or — when <see cref="PartnerId"/> is set — with a partner the
/// organisation hands clients to. Exactly one of the two is set (a CHECK constraint). Partner chats stay
/// <see cref="Holder.Closed"/>, never show in the inbox and are never answered by the agent (docs/handoffs.md).
/// </summary>
public sealed class Conversation : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid ChannelId { get; set; }

    /// <summary>The client of a client chat; null in a partner chat.</summary>
    public Guid? ClientId { get; set; }

    /// <summary>The partner of a partner chat (handoff cards and answers); null in a client chat.</summary>
    public Guid? PartnerId { get; set; }

    /// <summary>The messenger's chat id: <c>996555123456@c.us</c>, <c>…@lid</c> or a group id <c>…@g.us</c>.</summary>
    public required string ExternalChatId { get; set; }
    public bool IsGroup { get; set; }
    public string? Title { get; set; }
    public Holder Holder { get; set; }
    public Guid? HolderUserId { get; set; }
    public string? HolderReason { get; set; }
    public DateTimeOffset HolderSince { get; set; }
    public DateTimeOffset LastMessageAt { get; set; }
    public string? LastMessagePreview { get; set; }
    public int UnreadCount { get; set; }

    /// <summary>When the last inbound message came: follow-ups and "returns to the agent" count from here.</summary>
    public DateTimeOffset? LastInboundAt { get; set; }
    public DateTimeOffset? LastHumanReplyAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public uint Version { get; set; }
}

/// <summary>A recorded change of who holds a conversation.</summary>
public sealed class HolderChange : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid ConversationId { get; set; }
    public Holder From { get; set; }
    public Holder To { get; set; }
    public Guid? FromUserId { get; set; }
    public Guid? ToUserId { get; set; }
    public string? Reason { get; set; }
    public ActorType ActorType { get; set; }
    public Guid? ActorId { get; set; }
    public string? ActorName { get; set; }
    public DateTimeOffset At { get; set; }
}
