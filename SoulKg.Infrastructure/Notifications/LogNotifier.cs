using Microsoft.Extensions.Logging;
using SoulKg.Domain.Notifications;

namespace SoulKg.Infrastructure.Notifications;

/// <summary>Writes notices to the log; stands in until the notification centre stores and pushes them.</summary>
public sealed partial class LogNotifier(ILogger<LogNotifier> logger) : INotifier
{
    public Task NotifyAsync(Notice notice, CancellationToken cancellationToken)
    {
        LogNotice(notice.OrgId, notice.Kind, notice.Audience, notice.Title);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice for org {OrgId}: {Kind} to {Audience}: {Title}")]
    private partial void LogNotice(Guid orgId, NoticeKind kind, NoticeAudience audience, string title);
}
