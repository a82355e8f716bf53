using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Conversations;

public enum MessageDirection
{
    Inbound = 0,
    Outbound = 1,

    /// <summary>An internal note: stays in the CRM, never sent.</summary>
    Internal = 2,
}

public enum MessageAuthor
{
    Client = 0,
    Agent = 1,
    User = 2,
    System = 3,
}

public enum MessageStatus
{
    Received = 0,
    Queued = 1,
    Sent = 2,
    Delivered = 3,
    Read = 4,
    Failed = 5,

    /// <summary>Not sent on purpose: e.g. the agent's reply after an operator took the chat.</summary>
    Dropped = 6,
}

public sealed record Attachment(string FileName, string? ContentType, long Size, string? StoragePath);

public sealed class Message : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid ConversationId { get; set; }
    public Guid ChannelId { get; set; }
    public MessageDirection Direction { get; set; }
    public MessageAuthor Author { get; set; }
    public Guid? AuthorUserId { get; set; }

    /// <summary>Display name of who wrote it (a group participant, the operator, the agent's name).</summary>
    public string? AuthorName { get; set; }
    public string Text { get; set; } = "";
    public List<Attachment> Attachments { get; set; } = [];
    public Guid? ReplyToId { get; set; }

    /// <summary>The messenger's id of the message; with the channel it identifies it, so a redelivery is stored once.</summary>
    public string? ExternalId { get; set; }
    public MessageStatus Status { get; set; }
    public string? Error { get; set; }

    /// <summary>When it was written (the client's clock for inbound, ours for outbound).</summary>
    public DateTimeOffset SentAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StatusAt { get; set; }

    /// <summary>The agent run that produced it ("Почему?").</summary>
    public Guid? AgentRunId { get; set; }

    /// <summary>For imported history: a stable hash of (chat, time, author, text) so a re-import adds nothing.</summary>
    public string? Fingerprint { get; set; }
}
