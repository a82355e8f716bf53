namespace SoulKg.Domain.FollowUps;

/// <summary>Why a message will go to the client later, without being asked.</summary>
public enum FollowUpKind
{
    /// <summary>The client went quiet in Прогрев or Предложение; cancelled as soon as the client writes.</summary>
    QuietClient = 0,

    /// <summary>Logistics reminder some days before the travel date.</summary>
    BeforeTrip = 1,

    /// <summary>Asking for a review after the trip.</summary>
    AfterTrip = 2,

    /// <summary>Offering next season's tours to a past client.</summary>
    RepeatSale = 3,
}

/// <summary>
/// One follow-up for a conversation. <see cref="Text"/> is what to send; null lets the agent write it when it fires.
/// </summary>
public sealed record FollowUpRequest(
    Guid OrgId,
    Guid ConversationId,
    FollowUpKind Kind,
    DateTimeOffset DueAt,
    string? Text,
    string Reason,
    string? TraceId = null);

/// <summary>
/// Schedules follow-ups: at most one per conversation and kind (scheduling again replaces the earlier one), fired
/// exactly once by whichever app instance gets it, and never into a chat a person holds.
/// </summary>
public interface IFollowUpScheduler
{
    Task ScheduleAsync(FollowUpRequest request, CancellationToken cancellationToken);

    /// <summary>Cancels the pending follow-up of that kind, if any; returns whether there was one.</summary>
    Task<bool> CancelAsync(Guid orgId, Guid conversationId, FollowUpKind kind, CancellationToken cancellationToken);
}
