using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SoulKg.Domain.Notifications;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Notifications;

/// <summary>
/// Stores a notice once per recipient in the notice's organisation: the audience becomes the active members with the
/// audience's roles (or the one addressed user, if they are an active member there). The <c>notifications</c> trigger
/// pushes each row to that organisation's open screens; the bell shows only its own user's rows.
/// Singleton: it opens its own scope and sets the organisation, so any writer (a job, the WhatsApp host) can call it.
/// </summary>
public sealed class DbNotifier(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DbNotifier> logger) : INotifier
{
    public async Task NotifyAsync(Notice notice, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(notice.OrgId, ActorType.System, "notifier");
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(cancellationToken);
        var members = db.Memberships.Where(m => m.IsActive);
        var roles = NoticeAudiences.Roles(notice.Audience).ToList();
        members = notice.Audience == NoticeAudience.User
            ? members.Where(m => m.UserId == notice.UserId)
            : members.Where(m => roles.Contains(m.Role));
        var recipients = await members.Select(m => m.UserId).Distinct().ToListAsync(cancellationToken);
        if (recipients.Count == 0)
        {
            logger.LogWarning("Notice {Kind} for org {OrgId} has no recipients ({Audience})", notice.Kind, notice.OrgId, notice.Audience);
            return;
        }

        var now = clock.GetUtcNow();
        db.Notifications.AddRange(recipients.Select(userId => new Notification
        {
            UserId = userId, Kind = notice.Kind, Title = Limit(notice.Title, 200)!, Body = Limit(notice.Body, 1000), Link = Limit(notice.Link, 500), CreatedAt = now,
        }));
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string? Limit(string? value, int length) => value is null || value.Length <= length ? value : value[..(length - 1)] + "…";
}
