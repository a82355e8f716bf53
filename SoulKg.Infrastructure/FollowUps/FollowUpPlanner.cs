using Microsoft.EntityFrameworkCore;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Funnel;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.FollowUps;

/// <summary>
/// Applies <see cref="FollowUpRules"/> to a chat or a deal of the current organisation. It only replaces or cancels
/// follow-ups it planned itself (an agent's or a person's stay), and never plans again a due time that already has a
/// follow-up, whatever became of it: a sent, skipped or cancelled follow-up is not brought back by the next change.
/// </summary>
public sealed class FollowUpPlanner(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, FollowUpService followUps, TimeProvider clock)
{
    /// <summary>The actor name on follow-ups the rules planned.</summary>
    public const string RulesActor = "Правила напоминаний";

    public async Task PlanConversationAsync(Guid conversationId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var conversation = await db.Conversations.AsNoTracking().Where(c => c.Id == conversationId)
            .Select(c => new { c.ClientId, c.LastInboundAt, c.IsGroup }).FirstOrDefaultAsync(ct);
        if (conversation is null || conversation.IsGroup)
        {
            return;
        }

        var stage = await (from d in db.Deals
                           join s in db.FunnelStages on d.StageId equals s.Id
                           where d.ClientId == conversation.ClientId && d.Status == DealStatus.Open
                           orderby d.CreatedAt descending
                           select (StageKind?)s.Kind).FirstOrDefaultAsync(ct);
        var ours = await db.Messages.Where(m => m.ConversationId == conversationId && m.Direction == MessageDirection.Outbound
                && (m.Author == MessageAuthor.Agent || m.Author == MessageAuthor.User))
            .MaxAsync(m => (DateTimeOffset?)m.SentAt, ct);
        var settings = await followUps.SettingsAsync(ct);
        var plan = FollowUpRules.QuietClient(new ConversationFacts(stage, stage is not null, ours, conversation.LastInboundAt), settings.QuietClientHours, clock.GetUtcNow());
        await ApplyAsync(conversationId, plan, ct);
    }

    public async Task PlanDealAsync(Guid dealId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var deal = await (from d in db.Deals.AsNoTracking()
                          join s in db.FunnelStages on d.StageId equals s.Id
                          where d.Id == dealId
                          select new { d.ClientId, s.Kind, d.Status, d.Travel }).FirstOrDefaultAsync(ct);
        if (deal is null)
        {
            return;
        }

        var conversationId = await db.Conversations.Where(c => c.ClientId == deal.ClientId && !c.IsGroup)
            .OrderByDescending(c => c.LastMessageAt).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
        if (conversationId is not { } conversation)
        {
            return;
        }

        var settings = await followUps.SettingsAsync(ct);
        foreach (var plan in FollowUpRules.ForDeal(new DealFacts(deal.Kind, deal.Status, deal.Travel), settings.BeforeTripDays, clock.GetUtcNow()))
        {
            await ApplyAsync(conversation, plan, ct);
        }

        await PlanConversationAsync(conversation, ct);
    }

    private async Task ApplyAsync(Guid conversationId, FollowUpPlan plan, CancellationToken ct)
    {
        if (plan.Action == PlanAction.Keep)
        {
            return;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var existing = await db.FollowUps.AsNoTracking().Where(f => f.ConversationId == conversationId && f.Kind == plan.Kind)
            .Select(f => new { f.Status, f.DueAt, f.CreatedByName }).ToListAsync(ct);
        var pending = existing.FirstOrDefault(f => f.Status == FollowUpStatus.Pending);
        var mine = pending is null || pending.CreatedByName == RulesActor;
        if (plan.Action == PlanAction.Cancel)
        {
            if (pending is not null && mine)
            {
                await followUps.CancelPendingAsync(conversationId, plan.Kind, plan.Reason, ct);
            }

            return;
        }

        if (!mine || existing.Any(f => f.DueAt == plan.DueAt))
        {
            return;
        }

        await followUps.ScheduleAsync(new FollowUpRequest(org.RequiredOrgId, conversationId, plan.Kind, plan.DueAt!.Value, null, plan.Reason), ct);
    }
}
