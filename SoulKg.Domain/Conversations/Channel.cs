using SoulKg.Domain.Auditing;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Conversations;

public enum ChannelKind
{
    WhatsApp = 0,
    Telegram = 1,
}

/// <summary>How a WhatsApp channel reaches WhatsApp: the real WhatsApp Web, or the local sandbox for dev and tests.</summary>
public enum ChannelMode
{
    WhatsAppWeb = 0,
    Sandbox = 1,
}

/// <summary>The life of a linked messenger account, as the WhatsApp host sees it.</summary>
public enum ChannelState
{
    Starting = 0,
    WaitingForQr = 1,
    Pairing = 2,
    Syncing = 3,
    Ready = 4,
    Disconnected = 5,
    Conflict = 6,
    LoggedOut = 7,
    Failed = 8,
    Stopped = 9,
}

/// <summary>A linked messenger account of the organisation (one WhatsApp number).</summary>
public sealed class Channel : IOrgOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public ChannelKind Kind { get; set; }
    public ChannelMode Mode { get; set; }
    public required string Name { get; set; }

    /// <summary>The account's own number (E.164) once linked.</summary>
    public string? Phone { get; set; }
    public ChannelState State { get; set; } = ChannelState.Stopped;
    public string? StateReason { get; set; }
    public DateTimeOffset StateChangedAt { get; set; }

    /// <summary>At most this many messages a minute leave through this channel: bursts get numbers banned.</summary>
    public int SendsPerMinute { get; set; } = 20;

    /// <summary>How long "typing…" shows before each message, in milliseconds.</summary>
    public int TypingMilliseconds { get; set; } = 1200;
    public bool IsActive { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
}
