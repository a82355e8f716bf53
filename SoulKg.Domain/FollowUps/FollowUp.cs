using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.FollowUps;

public enum FollowUpStatus
{
    Pending = 0,
    Sent = 1,
    Cancelled = 2,

    /// <summary>Came due while the chat was not the agent's (a person held it, or it was closed): nothing was sent.</summary>
    Skipped = 3,
    Failed = 4,
}

/// <summary>
/// A message planned for later. At most one per conversation and kind is pending (a unique index says so); it leaves
/// Pending exactly once, in the same transaction that enqueues its message.
/// </summary>
public sealed class FollowUp : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid ConversationId { get; set; }
    public Guid ClientId { get; set; }
    public FollowUpKind Kind { get; set; }
    public DateTimeOffset DueAt { get; set; }

    /// <summary>Null: the default text for the kind in the client's language is written when it fires.</summary>
    public string? Text { get; set; }
    public required string Reason { get; set; }
    public FollowUpStatus Status { get; set; }
    public ActorType CreatedByType { get; set; }
    public Guid? CreatedById { get; set; }
    public string? CreatedByName { get; set; }
    public string? TraceId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? FiredAt { get; set; }

    /// <summary>What happened when it left Pending, in words for the client page ("Клиент ответил", "Чат ведёт оператор").</summary>
    public string? Outcome { get; set; }
    public Guid? MessageId { get; set; }
}

/// <summary>An organisation's follow-up settings: one row per organisation, defaults until someone saves.</summary>
public sealed class FollowUpSettings : IOrgOwned
{
    public const int DefaultQuietClientHours = 24;
    public const int DefaultBeforeTripDays = 3;

    public Guid OrgId { get; set; }

    /// <summary>Hours of client silence after our message (in Прогрев / Предложение) before we write again.</summary>
    public int QuietClientHours { get; set; } = DefaultQuietClientHours;

    /// <summary>Days before the travel date for the logistics reminder.</summary>
    public int BeforeTripDays { get; set; } = DefaultBeforeTripDays;

    /// <summary>Hours of operator silence after which a held chat goes back to the agent; null = never (the default).</summary>
    public int? AutoReturnAfterHours { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
