using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Realtime;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.FollowUps;

/// <summary>The client wrote: the "client went quiet" follow-up of that chat is no longer needed.</summary>
public sealed class FollowUpInboundReaction(FollowUpService followUps) : IInboundReaction
{
    public Task OnInboundAsync(Guid orgId, Guid conversationId, Guid messageId, CancellationToken cancellationToken) =>
        followUps.CancelPendingAsync(conversationId, FollowUpKind.QuietClient, "Клиент ответил", cancellationToken);
}

/// <summary>
/// Runs the follow-up rules when something they depend on changes: an outgoing message (our reply starts the
/// quiet-client clock) and a deal (stage, travel dates, won or lost). It listens to the database change feed, so every
/// writer (operators, agents, the API, imports) is covered without calling it. Every instance hears every change;
/// the rules give the same due times everywhere, so the second instance's plan is a no-op.
/// </summary>
public sealed class FollowUpPlannerListener(ChangeNotifier changes, IServiceScopeFactory scopes, ILogger<FollowUpPlannerListener> logger) : BackgroundService
{
    private readonly System.Threading.Channels.Channel<(Guid OrgId, bool IsDeal, Guid Id)> _work = System.Threading.Channels.Channel.CreateUnbounded<(Guid, bool, Guid)>(new() { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = changes.SubscribeAll(change =>
        {
            if (change is { Entity: "message", Kind: "I" } && change.DataString("direction") == nameof(MessageDirection.Outbound)
                && change.DataGuid("conversation_id") is { } conversationId)
            {
                _work.Writer.TryWrite((change.OrgId, false, conversationId));
            }
            else if (change is { Entity: "deal", IsDeleted: false })
            {
                _work.Writer.TryWrite((change.OrgId, true, change.EntityId));
            }

            return Task.CompletedTask;
        });

        await foreach (var (orgId, isDeal, id) in _work.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.System, FollowUpPlanner.RulesActor);
                var planner = scope.ServiceProvider.GetRequiredService<FollowUpPlanner>();
                await (isDeal ? planner.PlanDealAsync(id, stoppingToken) : planner.PlanConversationAsync(id, stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Planning follow-ups for {What} {Id} failed", isDeal ? "deal" : "conversation", id);
            }
        }
    }
}

/// <summary>The port the agents call: scheduled under the agent's name in the follow-up's organisation.</summary>
public sealed class QuartzFollowUpScheduler(IServiceScopeFactory scopes) : IFollowUpScheduler
{
    public async Task ScheduleAsync(FollowUpRequest request, CancellationToken cancellationToken)
    {
        await using var scope = AgentScope(request.OrgId);
        await scope.ServiceProvider.GetRequiredService<FollowUpService>().ScheduleAsync(request, cancellationToken);
    }

    public async Task<bool> CancelAsync(Guid orgId, Guid conversationId, FollowUpKind kind, CancellationToken cancellationToken)
    {
        await using var scope = AgentScope(orgId);
        return await scope.ServiceProvider.GetRequiredService<FollowUpService>().CancelPendingAsync(conversationId, kind, "Отменено агентом", cancellationToken);
    }

    private AsyncServiceScope AgentScope(Guid orgId)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.Agent, "Агент");
        return scope;
    }
}
