using Microsoft.Extensions.Logging;
using SoulKg.Domain.FollowUps;

namespace SoulKg.Infrastructure.Notifications;

/// <summary>Logs follow-ups instead of scheduling them; stands in until the Quartz scheduler is registered.</summary>
public sealed partial class UnscheduledFollowUps(ILogger<UnscheduledFollowUps> logger) : IFollowUpScheduler
{
    public Task ScheduleAsync(FollowUpRequest request, CancellationToken cancellationToken)
    {
        LogSkipped(request.ConversationId, request.Kind, request.DueAt);
        return Task.CompletedTask;
    }

    public Task<bool> CancelAsync(Guid orgId, Guid conversationId, FollowUpKind kind, CancellationToken cancellationToken) =>
        Task.FromResult(false);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No follow-up scheduler: {Kind} for conversation {ConversationId} at {DueAt} not scheduled")]
    private partial void LogSkipped(Guid conversationId, FollowUpKind kind, DateTimeOffset dueAt);
}
