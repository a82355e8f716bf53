using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using SoulKg.Domain.FollowUps;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Data;

namespace SoulKg.Infrastructure.FollowUps;

/// <summary>
/// Gives chats back to the agent when their operator went silent, in the organisations that switched it on
/// (<see cref="FollowUpSettings.AutoReturnAfterHours"/>). Clustered: each run happens on one instance.
/// The hand-back goes through <see cref="ConversationService.ReturnIdleChatsAsync"/>, so it is recorded (by the system,
/// with the reason) and pushed like any other.
/// </summary>
[DisallowConcurrentExecution]
public sealed class AutoReturnJob(IServiceScopeFactory scopes, ILogger<AutoReturnJob> logger) : IJob
{
    public static readonly JobKey Key = new("auto-return", "maintenance");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await RunAsync(cancellationToken);

    public Task RunAsync(CancellationToken ct) =>
        OrgScopes.ForEachOrgAsync(scopes, "auto-return", async (services, orgId) =>
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
            var hours = await db.FollowUpSettings.Select(s => s.AutoReturnAfterHours).FirstOrDefaultAsync(ct);
            if (hours is not { } idle)
            {
                return;
            }

            var returned = await services.GetRequiredService<ConversationService>().ReturnIdleChatsAsync(TimeSpan.FromHours(idle), ct);
            if (returned > 0)
            {
                logger.LogInformation("{Count} chat(s) of organisation {OrgId} returned to the agent after {Hours} h of operator silence", returned, orgId, idle);
            }
        }, ct);
}

/// <summary>
/// Puts back the trigger of any pending follow-up that has none (a crash between the commit and Quartz, a trigger
/// deleted by hand). A past due time fires at once; the row's status keeps it to one send.
/// </summary>
[DisallowConcurrentExecution]
public sealed class FollowUpSweepJob(IServiceScopeFactory scopes, FollowUpTriggers triggers, ILogger<FollowUpSweepJob> logger) : IJob
{
    public static readonly JobKey Key = new("follow-up-sweep", "maintenance");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await RunAsync(cancellationToken);

    public Task RunAsync(CancellationToken ct) =>
        OrgScopes.ForEachOrgAsync(scopes, "follow-up-sweep", async (services, orgId) =>
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
            var pending = await db.FollowUps.AsNoTracking().Where(f => f.Status == FollowUpStatus.Pending)
                .Select(f => new { f.ConversationId, f.Kind, f.DueAt }).ToListAsync(ct);
            foreach (var f in pending)
            {
                if (!await triggers.ExistsAsync(f.ConversationId, f.Kind, ct))
                {
                    logger.LogWarning("Pending {Kind} follow-up of conversation {ConversationId} had no trigger; scheduled again", f.Kind, f.ConversationId);
                    await triggers.ScheduleAsync(orgId, f.ConversationId, f.Kind, f.DueAt, ct);
                }
            }
        }, ct);
}
