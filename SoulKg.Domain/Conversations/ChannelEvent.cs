using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Conversations;

/// <summary>One line of a channel's event log: a state change, a bridge report, a restart, an admin's action.</summary>
public sealed class ChannelEvent : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid ChannelId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>The state the channel is in after this event.</summary>
    public ChannelState State { get; set; }
    public required string Text { get; set; }
}
