using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Handoffs;

public enum HandoffStatus
{
    /// <summary>Sent, waiting for the partner's answer.</summary>
    Pending = 0,
    Accepted = 1,
    Declined = 2,

    /// <summary>No answer within the organisation's SLA.</summary>
    Expired = 3,

    /// <summary>Withdrawn by the organisation before the partner answered.</summary>
    Cancelled = 4,
}

/// <summary>How the partner's answer (or the outcome) came in.</summary>
public enum HandoffChannel
{
    Link = 0,
    WhatsApp = 1,
    Staff = 2,
    Sla = 3,
}

/// <summary>What to do when a partner does not answer within the SLA.</summary>
public enum HandoffEscalation
{
    /// <summary>Send the same card to the next suggested partner of the same type (and tell the responsible person).</summary>
    OfferNext = 0,

    /// <summary>Only tell the responsible person.</summary>
    NotifyManager = 1,
}

/// <summary>
/// One request to one partner to take a client of a deal: the card they saw, how long they have, and what they said.
/// The card holds only what the partner needs; the client's phone is revealed only after acceptance (by setting).
/// </summary>
public sealed class Handoff : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid DealId { get; set; }
    public Guid PartnerId { get; set; }

    /// <summary>The partner chat the card went to (a conversation with <c>PartnerId</c> set, never a client chat).</summary>
    public Guid? ConversationId { get; set; }

    /// <summary>The WhatsApp message with the card; a reply quoting it answers this handoff.</summary>
    public Guid? MessageId { get; set; }
    public HandoffStatus Status { get; set; }
    public HandoffCard Card { get; set; } = new();

    /// <summary>Show the client's phone to the partner once they accept (the org's setting when it was sent).</summary>
    public bool RevealPhoneOnAccept { get; set; }

    /// <summary>SHA-256 of the one-time link token; the token itself is never stored.</summary>
    public required string TokenHash { get; set; }

    /// <summary>Where the link points (the app's public address when it was sent), reused for the next partner's link.</summary>
    public string? LinkBase { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RemindedAt { get; set; }
    public DateTimeOffset? RespondedAt { get; set; }
    public HandoffChannel? RespondedVia { get; set; }

    /// <summary>The partner's reason for declining (or the words of their WhatsApp answer).</summary>
    public string? Reason { get; set; }

    /// <summary>The handoff that was offered to another partner after this one expired or was declined.</summary>
    public Guid? NextHandoffId { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public string? CreatedByName { get; set; }
    public uint Version { get; set; }

    public bool IsOpen => Status == HandoffStatus.Pending;
}

/// <summary>The facts the partner sees: the client's first name only, never the full contact before acceptance.</summary>
public sealed record HandoffCard
{
    public string ClientFirstName { get; init; } = "";
    public string? Tour { get; init; }
    public string? Dates { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public int Adults { get; init; }
    public int Children { get; init; }
    public string? Pickup { get; init; }
    public string? Notes { get; init; }
}

/// <summary>Per organisation: how long a partner has to answer, and what happens then.</summary>
public sealed class HandoffSettings : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }

    /// <summary>Minutes a partner has to answer before the handoff expires.</summary>
    public int SlaMinutes { get; set; } = 120;

    /// <summary>Minutes after sending when an unanswered partner gets one reminder; 0 = no reminder.</summary>
    public int ReminderMinutes { get; set; } = 60;
    public HandoffEscalation Escalation { get; set; } = HandoffEscalation.OfferNext;
    public bool RevealPhoneOnAccept { get; set; } = true;
    public DateTimeOffset UpdatedAt { get; set; }
}
