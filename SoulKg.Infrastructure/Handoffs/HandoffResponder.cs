using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SoulKg.Domain;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Handoffs;
using SoulKg.Domain.Notifications;
using SoulKg.Domain.Partners;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Handoffs;

/// <summary>
/// Records a partner's answer, however it came: the one-time link (no account: the token names the organisation),
/// a "да"/"нет" in the partner chat, or staff. The answer, the deal's partner assignment and the confirmation to the
/// partner commit together; the responsible person is told after the commit.
/// </summary>
public sealed class HandoffResponder(IServiceScopeFactory scopes, INotifier notifier, TimeProvider clock, ILogger<HandoffResponder> logger) : IPartnerReplyReaction
{
    public async Task<PublicHandoff?> GetPublicAsync(string token, CancellationToken ct = default)
    {
        if (!HandoffTokens.TryReadOrg(token, out var orgId))
        {
            return null;
        }

        await using var scope = Scope(orgId, "partner-link", out var db);
        await using var _ = db;
        var hash = HandoffTokens.Hash(token);
        var handoff = await db.Handoffs.AsNoTracking().FirstOrDefaultAsync(h => h.TokenHash == hash, ct);
        if (handoff is null)
        {
            return null;
        }

        var orgName = await db.Organizations.Where(o => o.Id == orgId).Select(o => o.Name).FirstAsync(ct);
        var phone = await RevealedPhoneAsync(db, handoff, ct);
        var expired = handoff.Status == HandoffStatus.Expired || (handoff.Status == HandoffStatus.Pending && clock.GetUtcNow() >= handoff.ExpiresAt);
        return new PublicHandoff(orgName, handoff.Status, handoff.Card, handoff.ExpiresAt, expired, phone, handoff.Reason);
    }

    /// <summary>The partner's answer through the link; null when the token is unknown (the page answers 404).</summary>
    public async Task<PublicHandoff?> RespondByTokenAsync(string token, bool accepts, string? reason, CancellationToken ct = default)
    {
        if (!HandoffTokens.TryReadOrg(token, out var orgId))
        {
            return null;
        }

        Guid id;
        await using (var scope = Scope(orgId, "partner-link", out var db))
        {
            await using var _ = db;
            var hash = HandoffTokens.Hash(token);
            var found = await db.Handoffs.Where(h => h.TokenHash == hash).Select(h => (Guid?)h.Id).FirstOrDefaultAsync(ct);
            if (found is null)
            {
                return null;
            }

            id = found.Value;
        }

        await RespondAsync(orgId, id, accepts, reason, HandoffChannel.Link, ct);
        return await GetPublicAsync(token, ct);
    }

    public async Task<HandoffItem> RespondAsync(Guid orgId, Guid handoffId, bool accepts, string? reason, HandoffChannel via, CancellationToken ct = default)
    {
        Handoff handoff;
        Partner partner;
        await using (var scope = Scope(orgId, via == HandoffChannel.Staff ? null : "partner", out var db))
        {
            await using var _ = db;
            var org = scope.ServiceProvider.GetRequiredService<OrgContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            handoff = await LockAsync(db, handoffId, ct);
            var now = clock.GetUtcNow();
            HandoffRules.Respond(handoff, accepts, reason, via, now);
            partner = await db.Partners.AsNoTracking().FirstAsync(p => p.Id == handoff.PartnerId, ct);
            var clientId = await db.Deals.Where(d => d.Id == handoff.DealId).Select(d => d.ClientId).FirstAsync(ct);
            if (accepts && !await db.DealPartners.AnyAsync(a => a.DealId == handoff.DealId && a.PartnerId == handoff.PartnerId, ct))
            {
                db.DealPartners.Add(new DealPartner { DealId = handoff.DealId, PartnerId = handoff.PartnerId, Note = "Принял запрос", AssignedAt = now });
            }

            db.TimelineEvents.Add(Timeline.Event(org, clientId, handoff.DealId, TimelineKind.PartnerAssigned,
                $"«{partner.Name}» {(accepts ? "принял запрос" : "отказался")}{(handoff.Reason is { } r ? ": " + r : "")}", now));
            if (await db.Conversations.FirstOrDefaultAsync(c => c.Id == handoff.ConversationId, ct) is { } chat)
            {
                PartnerChats.Enqueue(db, chat, HandoffRules.ConfirmationMessage(accepts, handoff.Card, await RevealedPhoneAsync(db, handoff, ct)), now);
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            await NotifyAsync(notifier, db, handoff, partner.Name, accepts ? NoticeKind.PartnerAccepted : NoticeKind.PartnerDeclined, null, ct);
        }

        return HandoffService.ToItem(handoff, partner);
    }

    /// <summary>"да"/"нет" in a partner chat answers the card it quotes, or else the partner's newest open request there.</summary>
    public async Task OnPartnerReplyAsync(Guid orgId, Guid partnerId, Guid conversationId, Guid messageId, CancellationToken cancellationToken)
    {
        Guid? handoffId;
        PartnerAnswer? answer;
        await using (var scope = Scope(orgId, "partner", out var db))
        {
            await using var _ = db;
            var message = await db.Messages.AsNoTracking().FirstAsync(m => m.Id == messageId, cancellationToken);
            answer = HandoffRules.ParseAnswer(message.Text);
            if (answer is null)
            {
                return;
            }

            var open = db.Handoffs.Where(h => h.PartnerId == partnerId && h.Status == HandoffStatus.Pending);
            handoffId = message.ReplyToId is { } quoted
                ? await open.Where(h => h.MessageId == quoted).Select(h => (Guid?)h.Id).FirstOrDefaultAsync(cancellationToken)
                : null;
            handoffId ??= await open.OrderByDescending(h => h.CreatedAt).Select(h => (Guid?)h.Id).FirstOrDefaultAsync(cancellationToken);
        }

        if (handoffId is null)
        {
            return;
        }

        try
        {
            await RespondAsync(orgId, handoffId.Value, answer.Accepts, answer.Reason, HandoffChannel.WhatsApp, cancellationToken);
        }
        catch (DomainException e)
        {
            // Answered too late (expired meanwhile): the chat keeps the message for a person to read.
            logger.LogInformation("Partner answer to handoff {HandoffId} not recorded: {Reason}", handoffId, e.Message);
        }
    }

    internal static async Task<Handoff> LockAsync(SoulKgDbContext db, Guid id, CancellationToken ct) =>
        await db.Handoffs.FromSql($"SELECT *, xmin FROM handoffs WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct)
        ?? throw DomainException.NotFound("id", "Запрос партнёру не найден.");

    /// <summary>Tells the deal's responsible person (or whoever sent the request; or the admins when neither is known).</summary>
    internal static async Task NotifyAsync(INotifier notifier, SoulKgDbContext db, Handoff handoff, string partnerName, NoticeKind kind, string? extra, CancellationToken ct)
    {
        var deal = await db.Deals.AsNoTracking().Where(d => d.Id == handoff.DealId).Select(d => new { d.ClientId, d.ResponsibleUserId }).FirstAsync(ct);
        var user = deal.ResponsibleUserId ?? handoff.CreatedByUserId;
        var title = kind switch
        {
            NoticeKind.PartnerAccepted => $"«{partnerName}» принял группу {handoff.Card.ClientFirstName}",
            NoticeKind.PartnerDeclined => $"«{partnerName}» отказался от группы {handoff.Card.ClientFirstName}",
            _ => $"«{partnerName}» не ответил вовремя по группе {handoff.Card.ClientFirstName}",
        };
        var body = string.Join(" ", new[] { handoff.Card.Tour, handoff.Card.Dates, handoff.Reason is { } r ? $"Причина: {r}." : null, extra }.OfType<string>());
        await notifier.NotifyAsync(new Notice(handoff.OrgId, kind, user is null ? NoticeAudience.Admins : NoticeAudience.User, title,
            body.Length == 0 ? null : body, $"clients/{deal.ClientId}", user), ct);
    }

    private static async Task<string?> RevealedPhoneAsync(SoulKgDbContext db, Handoff handoff, CancellationToken ct)
    {
        if (handoff.Status != HandoffStatus.Accepted || !handoff.RevealPhoneOnAccept)
        {
            return null;
        }

        var phone = await (from d in db.Deals
                           join c in db.ClientContacts on d.ClientId equals c.ClientId
                           where d.Id == handoff.DealId && c.Kind == ContactKind.Phone
                           orderby c.IsPrimary descending
                           select c.Value).FirstOrDefaultAsync(ct);
        return phone is null ? null : Phones.Format(phone);
    }

    private AsyncServiceScope Scope(Guid orgId, string? actor, out SoulKgDbContext db)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.System, actor ?? "staff");
        db = scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContext();
        return scope;
    }
}
