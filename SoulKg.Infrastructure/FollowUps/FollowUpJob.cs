using Microsoft.Extensions.DependencyInjection;
using Quartz;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.FollowUps;

/// <summary>
/// The Quartz job of one conversation and kind. It fires whatever follow-up of that pair is pending and due; a trigger
/// that turns out early (the row was rescheduled under it) is moved to the row's time instead.
/// </summary>
[DisallowConcurrentExecution]
public sealed class FollowUpJob(IServiceScopeFactory scopes, TimeProvider clock) : IJob
{
    public const string OrgKey = "orgId";
    public const string ConversationKey = "conversationId";
    public const string KindKey = "kind";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var data = context.MergedJobDataMap;
        var orgId = Guid.Parse(data.GetString(OrgKey)!);
        var conversationId = Guid.Parse(data.GetString(ConversationKey)!);
        var kind = Enum.Parse<FollowUpKind>(data.GetString(KindKey)!);

        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.System, "follow-up");
        var sender = scope.ServiceProvider.GetRequiredService<FollowUpSender>();
        if (await sender.PendingAsync(conversationId, kind, cancellationToken) is not { } pending)
        {
            return;
        }

        if (pending.DueAt > clock.GetUtcNow().AddSeconds(1))
        {
            await scope.ServiceProvider.GetRequiredService<FollowUpTriggers>().ScheduleAsync(orgId, conversationId, kind, pending.DueAt, cancellationToken);
            return;
        }

        await sender.FireAsync(pending.Id, cancellationToken);
    }
}
