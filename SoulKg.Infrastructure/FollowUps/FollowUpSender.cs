using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Data;

namespace SoulKg.Infrastructure.FollowUps;

/// <summary>
/// Fires one follow-up. In one transaction it locks the follow-up and its conversation, re-checks that the follow-up is
/// still pending and that the agent holds the chat, enqueues the message with its outbox entry and marks the follow-up
/// sent. That transition is what makes a follow-up go out once, whichever instance or button fires it, however often.
/// </summary>
public sealed class FollowUpSender(
    IDbContextFactory<SoulKgDbContext> factory, IEnumerable<IFollowUpTextWriter> writers, TimeProvider clock, ILogger<FollowUpSender> logger)
{
    public const string AuthorName = "Напоминание";

    public async Task<FollowUp?> PendingAsync(Guid conversationId, FollowUpKind kind, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.FollowUps.AsNoTracking()
            .FirstOrDefaultAsync(f => f.ConversationId == conversationId && f.Kind == kind && f.Status == FollowUpStatus.Pending, ct);
    }

    public async Task<FollowUpStatus> FireAsync(Guid followUpId, CancellationToken ct)
    {
        try
        {
            return await FireCoreAsync(followUpId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Follow-up {FollowUpId} could not be sent", followUpId);
            await using var db = await factory.CreateDbContextAsync(ct);
            var error = e.Message.Length > 480 ? e.Message[..480] : e.Message;
            await db.FollowUps.Where(f => f.Id == followUpId && f.Status == FollowUpStatus.Pending).ExecuteUpdateAsync(s => s
                .SetProperty(f => f.Status, FollowUpStatus.Failed).SetProperty(f => f.Outcome, "Ошибка: " + error)
                .SetProperty(f => f.FiredAt, clock.GetUtcNow()), ct);
            return FollowUpStatus.Failed;
        }
    }

    private async Task<string?> WrittenAsync(FollowUpDraft draft, CancellationToken ct)
    {
        foreach (var writer in writers)
        {
            try
            {
                if (await writer.WriteAsync(draft, ct) is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text))
                {
                    return text;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "{Writer} could not write follow-up {FollowUpId}; the next writer or the default text is used", writer.GetType().Name, draft.FollowUpId);
            }
        }

        return null;
    }

    private async Task<FollowUpStatus> FireCoreAsync(Guid followUpId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        // The text is settled before the locks are taken, so they are held for a few statements only.
        var draft = await (from f in db.FollowUps.AsNoTracking()
                           join c in db.Clients on f.ClientId equals c.Id
                           where f.Id == followUpId
                           select new { f.OrgId, f.ConversationId, f.ClientId, f.Kind, f.Text, f.Reason, f.TraceId, f.Status, c.Name, c.Language })
            .FirstOrDefaultAsync(ct);
        if (draft is null || draft.Status != FollowUpStatus.Pending)
        {
            return draft?.Status ?? FollowUpStatus.Cancelled;
        }

        var text = draft.Text
            ?? await WrittenAsync(new FollowUpDraft(draft.OrgId, followUpId, draft.ConversationId, draft.ClientId, draft.Kind, draft.Reason, draft.Language, draft.TraceId), ct)
            ?? FollowUpTemplates.Text(draft.Kind, draft.Language, draft.Name);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var followUp = await db.FollowUps.FromSql($"SELECT * FROM follow_ups WHERE id = {followUpId} FOR UPDATE").FirstOrDefaultAsync(ct);
        if (followUp is null || followUp.Status != FollowUpStatus.Pending)
        {
            // Another instance (or "send now") got there first.
            return followUp?.Status ?? FollowUpStatus.Cancelled;
        }

        var conversation = await FollowUpService.LockConversationAsync(db, followUp.ConversationId, ct);
        var now = clock.GetUtcNow();
        followUp.FiredAt = now;
        if (followUp.Kind == FollowUpKind.QuietClient && conversation.LastInboundAt is { } inbound && inbound > followUp.CreatedAt)
        {
            // The reaction to the reply cancels it too; this covers replies that came while a person held the chat.
            followUp.Status = FollowUpStatus.Cancelled;
            followUp.Outcome = "Клиент ответил";
        }
        else if (conversation.Holder != Holder.AiActive)
        {
            followUp.Status = FollowUpStatus.Skipped;
            followUp.Outcome = conversation.Holder switch
            {
                Holder.Human => "Не отправлено: чат ведёт оператор",
                Holder.WaitingForHuman => "Не отправлено: чат ждёт оператора",
                _ => "Не отправлено: чат закрыт",
            };
        }
        else
        {
            var message = ConversationService.AppendOutbound(db, conversation, text, MessageAuthor.System, null, AuthorName, null, now);
            followUp.Status = FollowUpStatus.Sent;
            followUp.MessageId = message.Id;
            followUp.Outcome = "Отправлено";
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Follow-up {FollowUpId} ({Kind}) of conversation {ConversationId}: {Status}", followUp.Id, followUp.Kind, followUp.ConversationId, followUp.Status);
        return followUp.Status;
    }
}
