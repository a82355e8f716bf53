using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using SoulKg.Domain;
using SoulKg.Domain.Handoffs;
using SoulKg.Domain.Notifications;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Handoffs;

public sealed record SweepResult(int Reminded, int Expired, int Offered);

/// <summary>
/// The handoff SLA, one organisation at a time: an unanswered request gets one reminder, then expires; the next
/// suggested partner of the same type gets the card (or, by setting, only the responsible person is told).
/// Each handoff is handled in its own transaction under a row lock, so an answer arriving meanwhile wins cleanly.
/// </summary>
public sealed class HandoffSlaService(IServiceScopeFactory scopes, INotifier notifier, ILogger<HandoffSlaService> logger)
{
    public async Task<SweepResult> SweepAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        List<Guid> orgs;
        await using (var scope = scopes.CreateAsyncScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
            orgs = await db.OrgRegistry.Select(o => o.Id).ToListAsync(ct);
        }

        var total = new SweepResult(0, 0, 0);
        foreach (var orgId in orgs)
        {
            try
            {
                var r = await SweepOrgAsync(orgId, now, ct);
                total = new SweepResult(total.Reminded + r.Reminded, total.Expired + r.Expired, total.Offered + r.Offered);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Handoff SLA sweep failed for org {OrgId}", orgId);
            }
        }

        return total;
    }

    private async Task<SweepResult> SweepOrgAsync(Guid orgId, DateTimeOffset now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var org = scope.ServiceProvider.GetRequiredService<OrgContext>();
        org.SetSystem(orgId, ActorType.System, "handoff-sla");
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>();
        List<(Guid Id, bool Expire)> due;
        HandoffSettings settings;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            settings = await HandoffService.SettingsAsync(db, ct);
            var remindBefore = now.AddMinutes(-settings.ReminderMinutes);
            due = (await db.Handoffs.AsNoTracking().Where(h => h.Status == HandoffStatus.Pending)
                    .Where(h => h.ExpiresAt <= now || (settings.ReminderMinutes > 0 && h.RemindedAt == null && h.CreatedAt <= remindBefore))
                    .OrderBy(h => h.ExpiresAt).Select(h => new { h.Id, Expire = h.ExpiresAt <= now }).Take(500).ToListAsync(ct))
                .Select(h => (h.Id, h.Expire)).ToList();
        }

        int reminded = 0, expired = 0, offered = 0;
        foreach (var (id, expire) in due)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var handoff = await HandoffResponder.LockAsync(db, id, ct);
            if (handoff.Status != HandoffStatus.Pending)
            {
                continue; // answered between the scan and the lock
            }

            var chat = await db.Conversations.FirstOrDefaultAsync(c => c.Id == handoff.ConversationId, ct);
            if (!expire)
            {
                handoff.RemindedAt = now;
                if (chat is not null)
                {
                    PartnerChats.Enqueue(db, chat, HandoffRules.ReminderMessage(handoff.Card), now);
                }

                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                reminded++;
                continue;
            }

            HandoffRules.Expire(handoff, now);
            if (chat is not null)
            {
                PartnerChats.Enqueue(db, chat, $"Время ответа по группе {handoff.Card.ClientFirstName} истекло, запрос снят. Спасибо!", now);
            }

            string? extra = null;
            if (settings.Escalation == HandoffEscalation.OfferNext)
            {
                var next = await NextPartnerAsync(db, handoff, ct);
                if (next is not null && handoff.LinkBase is { } linkBase)
                {
                    var created = await HandoffService.CreateAsync(db, org, new HandoffInput
                    {
                        DealId = handoff.DealId, PartnerIds = [next.PartnerId], Notes = handoff.Card.Notes, Pickup = handoff.Card.Pickup,
                    }, linkBase, now, ct);
                    handoff.NextHandoffId = created[0].Handoff.Id;
                    extra = $"Запрос отправлен следующему партнёру: «{next.Name}».";
                    offered++;
                }
                else
                {
                    extra = "Других подходящих партнёров нет — выберите вручную.";
                }
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            expired++;
            var partnerName = await db.Partners.Where(p => p.Id == handoff.PartnerId).Select(p => p.Name).FirstAsync(ct);
            await HandoffResponder.NotifyAsync(notifier, db, handoff, partnerName, NoticeKind.PartnerExpired, extra, ct);
        }

        return new SweepResult(reminded, expired, offered);
    }

    /// <summary>The best suggestion of the same type that was not asked for this deal yet and is not busy then.</summary>
    private static async Task<PartnerSuggestion?> NextPartnerAsync(SoulKgDbContext db, Handoff handoff, CancellationToken ct)
    {
        var type = await db.Partners.Where(p => p.Id == handoff.PartnerId).Select(p => p.Type).FirstAsync(ct);
        var suggestions = await HandoffService.SuggestAsync(db, handoff.DealId, type, ct);
        return suggestions.FirstOrDefault(s => !s.AlreadyAsked && !s.Busy);
    }
}

/// <summary>
/// The SLA sweep on the app's clustered Quartz scheduler (every <c>Handoffs:SweepInterval</c>, a minute by default):
/// each run happens on one instance of the cluster, and a run missed while every instance was down is not repeated,
/// because the next one looks at everything that is due by then anyway.
/// </summary>
[DisallowConcurrentExecution]
public sealed class HandoffSweepJob(HandoffSlaService sla, TimeProvider clock, ILogger<HandoffSweepJob> logger) : IJob
{
    public static readonly JobKey Key = new("handoff-sla", "maintenance");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var result = await sla.SweepAsync(clock.GetUtcNow(), cancellationToken);
        if (result != new SweepResult(0, 0, 0))
        {
            logger.LogInformation("Handoff SLA: {Reminded} reminded, {Expired} expired, {Offered} offered to the next partner", result.Reminded, result.Expired, result.Offered);
        }
    }
}
