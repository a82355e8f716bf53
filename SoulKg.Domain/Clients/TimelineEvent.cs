using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Clients;

public enum TimelineKind
{
    ClientCreated = 0,
    Note = 1,
    StageChanged = 2,
    DealCreated = 3,
    DealClosed = 4,
    DealReopened = 5,
    Merged = 6,
    Imported = 7,
    FollowUp = 8,
    AgentAction = 9,
    Message = 10,
    PartnerAssigned = 11,
    SeatsBooked = 12,
}

/// <summary>One line of a client's history, newest first on the client page.</summary>
public sealed class TimelineEvent : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid ClientId { get; set; }
    public Guid? DealId { get; set; }
    public TimelineKind Kind { get; set; }
    public required string Summary { get; set; }

    /// <summary>Details as JSON, e.g. the stages of a move.</summary>
    public string? Data { get; set; }
    public ActorType ActorType { get; set; }
    public Guid? ActorId { get; set; }
    public string? ActorName { get; set; }
    public DateTimeOffset At { get; set; }
}
