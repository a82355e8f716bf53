using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SoulKg.Domain;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Notifications;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Conversations;

public enum InboxTab
{
    Mine = 0,
    Waiting = 1,
    Ai = 2,
    All = 3,
    Closed = 4,
}

public sealed record InboxQuery
{
    public InboxTab Tab { get; init; } = InboxTab.All;
    public Guid? ChannelId { get; init; }
    public Guid? StageId { get; init; }
    public string? Search { get; init; }
}

public sealed record ConversationItem(
    Guid Id, Guid ChannelId, Guid ClientId, string ClientName, string? ClientPhone, bool IsGroup, string? Title, Holder Holder, Guid? HolderUserId,
    string? HolderName, DateTimeOffset LastMessageAt, string? LastMessagePreview, int UnreadCount, Guid? DealId, Guid? StageId, string? StageName, uint Version,
    string? HolderReason = null);

public sealed record MessageItem(
    Guid Id, Guid ConversationId, MessageDirection Direction, MessageAuthor Author, Guid? AuthorUserId, string? AuthorName, string Text,
    IReadOnlyList<Attachment> Attachments, Guid? ReplyToId, MessageStatus Status, string? Error, DateTimeOffset SentAt, Guid? AgentRunId);

/// <summary>
/// The operators' side of conversations: the inbox lists, reading, sending, internal notes, and who holds a chat. Every
/// outgoing message is written together with its outbox entry; sending is the dispatcher's job.
/// </summary>
public sealed class ConversationService(
    IDbContextFactory<SoulKgDbContext> factory, OrgContext org, TimeProvider clock, INotifier notifier, ILogger<ConversationService> logger)
{
    public async Task<GridPage<ConversationItem>> QueryAsync(InboxQuery query, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var conversations = Filter(db, query);
        var total = await conversations.CountAsync(ct);
        var items = await Project(db, conversations.OrderByDescending(c => c.LastMessageAt).ThenByDescending(c => c.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200))).ToListAsync(ct);
        return new GridPage<ConversationItem>(items, total);
    }

    public async Task<CursorPage<ConversationItem>> ListAsync(InboxQuery query, string? cursor, int? limit, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var conversations = Filter(db, query);
        if (Cursor.TryDecode(cursor, out var at, out var id))
        {
            conversations = conversations.Where(c => c.LastMessageAt < at || (c.LastMessageAt == at && c.Id.CompareTo(id) < 0));
        }

        var take = Cursor.Limit(limit);
        var items = await Project(db, conversations.OrderByDescending(c => c.LastMessageAt).ThenByDescending(c => c.Id).Take(take + 1)).ToListAsync(ct);
        return Cursor.Page(items, take, x => x.LastMessageAt, x => x.Id, x => x);
    }

    public async Task<ConversationItem?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await Project(db, db.Conversations.AsNoTracking().Where(c => c.Id == id)).FirstOrDefaultAsync(ct);
    }

    /// <summary>Counts for the tabs and the browser title badge.</summary>
    public async Task<IReadOnlyDictionary<InboxTab, int>> CountsAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var me = org.UserId;
        var byHolder = await db.Conversations.Where(c => c.PartnerId == null).GroupBy(c => c.Holder).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var mine = await db.Conversations.CountAsync(c => c.Holder == Holder.Human && c.HolderUserId == me, ct);
        int Of(Holder h) => byHolder.FirstOrDefault(x => x.Key == h)?.Count ?? 0;
        return new Dictionary<InboxTab, int>
        {
            [InboxTab.Mine] = mine,
            [InboxTab.Waiting] = Of(Holder.WaitingForHuman),
            [InboxTab.Ai] = Of(Holder.AiActive),
            [InboxTab.All] = byHolder.Where(x => x.Key != Holder.Closed).Sum(x => x.Count),
            [InboxTab.Closed] = Of(Holder.Closed),
        };
    }

    /// <summary>Messages older than <paramref name="before"/> (a message id), newest first; the view reverses them.</summary>
    public async Task<IReadOnlyList<MessageItem>> MessagesAsync(Guid conversationId, Guid? before, int limit = 50, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var messages = db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId);
        if (before is { } beforeId && await db.Messages.Where(m => m.Id == beforeId).Select(m => new { m.SentAt, m.Id }).FirstOrDefaultAsync(ct) is { } anchor)
        {
            messages = messages.Where(m => m.SentAt < anchor.SentAt || (m.SentAt == anchor.SentAt && m.Id.CompareTo(anchor.Id) < 0));
        }

        var rows = await messages.OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id).Take(Math.Clamp(limit, 1, 500)).ToListAsync(ct);
        return rows.Select(ToItem).ToList();
    }

    /// <summary>
    /// A window of the history counted from the newest message: skips the newest <paramref name="skip"/>, then returns up to
    /// <paramref name="take"/> older ones, newest first. Lets a virtualised view jump anywhere in a long chat with one query.
    /// </summary>
    public async Task<IReadOnlyList<MessageItem>> MessageWindowAsync(Guid conversationId, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId)
            .OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        return rows.Select(ToItem).ToList();
    }

    /// <summary>Unread client messages in the chats I hold, for the browser title badge.</summary>
    public async Task<int> MyUnreadAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var me = org.UserId;
        return await db.Conversations.Where(c => c.Holder == Holder.Human && c.HolderUserId == me).SumAsync(c => c.UnreadCount, ct);
    }

    public async Task<int> MessageCountAsync(Guid conversationId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Messages.CountAsync(m => m.ConversationId == conversationId, ct);
    }

    public async Task MarkReadAsync(Guid conversationId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Conversations.Where(c => c.Id == conversationId && c.UnreadCount > 0).ExecuteUpdateAsync(s => s.SetProperty(c => c.UnreadCount, 0), ct);
    }

    /// <summary>An operator's message: only into a chat they hold.</summary>
    public Task<MessageItem> SendAsync(Guid conversationId, string text, CancellationToken ct = default) =>
        EnqueueAsync(conversationId, text, MessageAuthor.User, null, conversation =>
        {
            if (conversation.Holder != Holder.Human || conversation.HolderUserId != org.UserId)
            {
                throw DomainException.Conflict("holder", "Сначала возьмите чат на себя.");
            }
        }, ct);

    /// <summary>
    /// The agent's reply, checked against the holder in the same transaction that enqueues it: if a person took the chat
    /// while the agent was thinking, the reply is dropped and logged, and null comes back.
    /// </summary>
    public async Task<MessageItem?> EnqueueAgentReplyAsync(Guid conversationId, string text, Guid? agentRunId, string agentName, CancellationToken ct = default)
    {
        try
        {
            return await EnqueueAsync(conversationId, text, MessageAuthor.Agent, agentRunId, conversation =>
            {
                if (conversation.Holder != Holder.AiActive)
                {
                    throw new HolderChangedException(conversation.Holder);
                }
            }, ct, agentName);
        }
        catch (HolderChangedException e)
        {
            logger.LogInformation("Agent reply to {ConversationId} dropped: the chat is now {Holder}", conversationId, e.Holder);
            return null;
        }
    }

    /// <summary>A message from the system (a follow-up, a partner notification): sent unless a person holds the chat.</summary>
    public async Task<MessageItem?> EnqueueSystemMessageAsync(Guid conversationId, string text, string authorName, bool evenIfHumanHolds = false, CancellationToken ct = default)
    {
        try
        {
            return await EnqueueAsync(conversationId, text, MessageAuthor.System, null, conversation =>
            {
                if (!evenIfHumanHolds && conversation.Holder == Holder.Human)
                {
                    throw new HolderChangedException(conversation.Holder);
                }
            }, ct, authorName);
        }
        catch (HolderChangedException)
        {
            return null;
        }
    }

    public async Task<MessageItem> AddNoteAsync(Guid conversationId, string text, CancellationToken ct = default)
    {
        ValidateText(text);
        await using var db = await factory.CreateDbContextAsync(ct);
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == conversationId, ct) ?? throw DomainException.NotFound("id", "Чат не найден.");
        var now = clock.GetUtcNow();
        var note = new Message
        {
            ConversationId = conversation.Id, ChannelId = conversation.ChannelId, Direction = MessageDirection.Internal, Author = MessageAuthor.User,
            AuthorUserId = org.UserId, AuthorName = org.ActorName, Text = text.Trim(), Status = MessageStatus.Sent, SentAt = now, CreatedAt = now,
        };
        db.Messages.Add(note);
        await db.SaveChangesAsync(ct);
        return ToItem(note);
    }

    public Task<ConversationItem> TakeOverAsync(Guid conversationId, uint? expectedVersion = null, CancellationToken ct = default) =>
        ChangeHolderAsync(conversationId, expectedVersion, (c, now) => HolderRules.TakeOver(c, org.UserId ?? throw DomainException.Invalid("user", "Нужен пользователь."), now, Actor()), ct);

    public Task<ConversationItem> HandBackAsync(Guid conversationId, uint? expectedVersion = null, CancellationToken ct = default) =>
        ChangeHolderAsync(conversationId, expectedVersion, (c, now) => HolderRules.HandBack(c, org.UserId ?? Guid.Empty,
            org.Role is OrgRole.Owner or OrgRole.Admin or OrgRole.Manager, now, Actor()), ct);

    public Task<ConversationItem> CloseAsync(Guid conversationId, uint? expectedVersion = null, CancellationToken ct = default) =>
        ChangeHolderAsync(conversationId, expectedVersion, (c, now) => HolderRules.Close(c, now, Actor()), ct);

    /// <summary>A manager gives the chat to a named operator (who gets a "chat assigned to you" notice).</summary>
    public async Task<ConversationItem> AssignAsync(Guid conversationId, Guid userId, uint? expectedVersion = null, CancellationToken ct = default)
    {
        if (org.Role is not (OrgRole.Owner or OrgRole.Admin or OrgRole.Manager))
        {
            throw DomainException.Conflict("userId", "Назначать чаты могут владелец, администратор или руководитель.");
        }

        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            if (!await db.Memberships.AnyAsync(m => m.UserId == userId && m.IsActive, ct))
            {
                throw DomainException.NotFound("userId", "Сотрудник не найден.");
            }
        }

        return await ChangeHolderAsync(conversationId, expectedVersion, (c, now) => HolderRules.Assign(c, userId, now, Actor()), ct);
    }

    /// <summary>The agent (or a rule) asks for a person: the chat waits for an operator.</summary>
    public Task<ConversationItem> RequestHumanAsync(Guid conversationId, string reason, CancellationToken ct = default) =>
        ChangeHolderAsync(conversationId, null, (c, now) => HolderRules.RequestHuman(c, reason, now, Actor()), ct);

    /// <summary>
    /// Gives chats back to the agent when their operator went quiet: the client wrote after the operator's last sign of
    /// life (their last reply, or the takeover if that came later) and that sign is older than <paramref name="idle"/>.
    /// Works on the organisation of the current <see cref="OrgContext"/>; a scheduled job calls it per organisation.
    /// </summary>
    public async Task<int> ReturnIdleChatsAsync(TimeSpan idle, CancellationToken ct = default)
    {
        var cutoff = clock.GetUtcNow() - idle;
        List<Guid> candidates;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            candidates = await db.Conversations.AsNoTracking()
                .Where(c => c.Holder == Holder.Human && c.LastInboundAt != null)
                .Where(c => (c.LastHumanReplyAt != null && c.LastHumanReplyAt > c.HolderSince ? c.LastHumanReplyAt.Value : c.HolderSince) < cutoff)
                .Where(c => c.LastInboundAt > (c.LastHumanReplyAt != null && c.LastHumanReplyAt > c.HolderSince ? c.LastHumanReplyAt.Value : c.HolderSince))
                .Select(c => c.Id).ToListAsync(ct);
        }

        var reason = $"Оператор не отвечал {Math.Round(idle.TotalHours, 1)} ч — чат возвращён агенту";
        var returned = 0;
        foreach (var id in candidates)
        {
            try
            {
                await ChangeHolderAsync(id, null, (c, now) =>
                {
                    var lastSign = c.LastHumanReplyAt is { } reply && reply > c.HolderSince ? reply : c.HolderSince;
                    if (c.Holder != Holder.Human || lastSign >= cutoff || c.LastInboundAt is not { } inbound || inbound <= lastSign)
                    {
                        throw DomainException.Conflict("holder", "The operator answered meanwhile.");
                    }

                    var change = HolderRules.HandBack(c, c.HolderUserId ?? Guid.Empty, canOverride: true, now, Actor());
                    change.Reason = reason;
                    c.HolderReason = reason;
                    return change;
                }, ct);
                returned++;
            }
            catch (DomainException)
            {
                // Someone acted on the chat between the scan and the lock: leave it.
            }
        }

        return returned;
    }

    /// <summary>Sends a failed message again (a new outbox attempt with the same idempotency key).</summary>
    public async Task RetryAsync(Guid messageId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var message = await db.Messages.FirstOrDefaultAsync(m => m.Id == messageId, ct) ?? throw DomainException.NotFound("id", "Сообщение не найдено.");
        if (message.Status != MessageStatus.Failed)
        {
            throw DomainException.Conflict("status", "Повторить можно только неотправленное сообщение.");
        }

        var now = clock.GetUtcNow();
        message.Status = MessageStatus.Queued;
        message.Error = null;
        message.StatusAt = now;
        // One transaction: otherwise the dispatcher may claim and send the re-opened entry (marking the message Sent)
        // before the message row is saved, and the save would then put a delivered message back to Queued for good.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Outbox.Where(o => o.MessageId == messageId).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.Status, OutboxStatus.Pending).SetProperty(o => o.NextAttemptAt, now).SetProperty(o => o.Attempts, 0), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private async Task<MessageItem> EnqueueAsync(Guid conversationId, string text, MessageAuthor author, Guid? agentRunId, Action<Conversation> check, CancellationToken ct, string? authorName = null)
    {
        ValidateText(text);
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The row lock makes the holder check and the enqueue one step: a takeover either happened before it, or waits.
        // xmin is the row version; "*" leaves out system columns, so it is named.
        var conversation = await db.Conversations.FromSql($"SELECT *, xmin FROM conversations WHERE id = {conversationId} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("id", "Чат не найден.");
        check(conversation);
        var message = AppendOutbound(db, conversation, text, author, author == MessageAuthor.User ? org.UserId : null, authorName ?? org.ActorName, agentRunId, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return ToItem(message);
    }

    /// <summary>
    /// Adds an outgoing message and its outbox entry to <paramref name="db"/> (not saved): callers that must change
    /// something else in the same transaction (a follow-up marked sent) use it with the conversation row locked.
    /// </summary>
    internal static Message AppendOutbound(
        SoulKgDbContext db, Conversation conversation, string text, MessageAuthor author, Guid? authorUserId, string? authorName, Guid? agentRunId, DateTimeOffset now)
    {
        ValidateText(text);
        var message = new Message
        {
            ConversationId = conversation.Id, ChannelId = conversation.ChannelId, Direction = MessageDirection.Outbound, Author = author,
            AuthorUserId = authorUserId, AuthorName = authorName, Text = text.Trim(),
            Status = MessageStatus.Queued, SentAt = now, CreatedAt = now, StatusAt = now, AgentRunId = agentRunId,
        };
        db.Messages.Add(message);
        db.Outbox.Add(new OutboxEntry
        {
            MessageId = message.Id, ChannelId = conversation.ChannelId, ChatId = conversation.ExternalChatId, Status = OutboxStatus.Pending,
            NextAttemptAt = now, CreatedAt = now,
        });
        conversation.LastMessageAt = now;
        conversation.LastMessagePreview = InboundPipeline.Preview(message.Text, []);
        if (author == MessageAuthor.User)
        {
            conversation.LastHumanReplyAt = now;
            conversation.UnreadCount = 0;
        }

        return message;
    }

    private async Task<ConversationItem> ChangeHolderAsync(Guid conversationId, uint? expectedVersion, Func<Conversation, DateTimeOffset, HolderChange> change, CancellationToken ct)
    {
        HolderChange changed;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Two operators clicking "take" at once: the second waits for the first's row lock, then sees it taken.
            var conversation = await db.Conversations.FromSql($"SELECT *, xmin FROM conversations WHERE id = {conversationId} FOR UPDATE").FirstOrDefaultAsync(ct)
                ?? throw DomainException.NotFound("id", "Чат не найден.");
            if (expectedVersion is { } v && v != conversation.Version)
            {
                throw new StaleVersionException("Conversation");
            }

            var recorded = change(conversation, clock.GetUtcNow());
            db.HolderChanges.Add(recorded);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            changed = recorded;
        }

        var item = (await GetAsync(conversationId, ct))!;
        await NotifyHolderAsync(changed, item, ct);
        return item;
    }

    /// <summary>After the commit: a chat that starts waiting tells everyone who works chats; a chat given to someone else tells them.</summary>
    private async Task NotifyHolderAsync(HolderChange change, ConversationItem item, CancellationToken ct)
    {
        var name = item.IsGroup ? item.Title ?? item.ClientName : item.ClientName;
        var notice = change.To switch
        {
            Holder.WaitingForHuman when change.From != Holder.WaitingForHuman => new Notice(change.OrgId, NoticeKind.ChatWaitingForHuman, NoticeAudience.ChatStaff,
                $"Чат ждёт оператора: {name}", change.Reason, $"inbox/{item.Id}"),
            Holder.Human when change.ToUserId is { } user && user != org.UserId => new Notice(change.OrgId, NoticeKind.ChatAssigned, NoticeAudience.User,
                $"Вам назначен чат: {name}", item.LastMessagePreview, $"inbox/{item.Id}", user),
            _ => null,
        };
        if (notice is null)
        {
            return;
        }

        try
        {
            await notifier.NotifyAsync(notice, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The chat change is committed; a lost notice must not turn it into an error for the caller.
            logger.LogError(e, "Notice {Kind} for conversation {ConversationId} failed", notice.Kind, item.Id);
        }
    }

    private IQueryable<Conversation> Filter(SoulKgDbContext db, InboxQuery query)
    {
        // Partner chats (handoffs) are not the inbox's business.
        var conversations = db.Conversations.AsNoTracking().Where(c => c.PartnerId == null);
        var me = org.UserId;
        conversations = query.Tab switch
        {
            InboxTab.Mine => conversations.Where(c => c.Holder == Holder.Human && c.HolderUserId == me),
            InboxTab.Waiting => conversations.Where(c => c.Holder == Holder.WaitingForHuman),
            InboxTab.Ai => conversations.Where(c => c.Holder == Holder.AiActive),
            InboxTab.Closed => conversations.Where(c => c.Holder == Holder.Closed),
            _ => conversations.Where(c => c.Holder != Holder.Closed),
        };
        if (query.ChannelId is { } channel)
        {
            conversations = conversations.Where(c => c.ChannelId == channel);
        }

        if (query.StageId is { } stage)
        {
            conversations = conversations.Where(c => db.Deals.Any(d => d.ClientId == c.ClientId && d.Status == DealStatus.Open && d.StageId == stage));
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = "%" + ClientService.EscapeLike(query.Search.Trim()) + "%";
            var digits = Phones.DigitsOf(query.Search);
            var clients = db.Clients.Where(c => EF.Functions.ILike(c.Name, pattern)).Select(c => c.Id);
            if (digits.Length >= 3)
            {
                clients = clients.Union(db.ClientContacts.Where(x => EF.Functions.Like(x.Value, "%" + digits + "%")).Select(x => x.ClientId));
            }

            var byText = db.Messages.Where(m => EF.Functions.ILike(m.Text, pattern)).Select(m => m.ConversationId);
            conversations = conversations.Where(c => clients.Contains(c.ClientId!.Value) || byText.Contains(c.Id));
        }

        return conversations;
    }

    private static IQueryable<ConversationItem> Project(SoulKgDbContext db, IQueryable<Conversation> conversations) =>
        from c in conversations
        join client in db.Clients on c.ClientId equals (Guid?)client.Id
        let deal = db.Deals.Where(d => d.ClientId == c.ClientId && d.Status == DealStatus.Open).OrderByDescending(d => d.CreatedAt).FirstOrDefault()
        select new ConversationItem(
            c.Id, c.ChannelId, client.Id, client.Name,
            db.ClientContacts.Where(x => x.ClientId == c.ClientId && x.Kind == Domain.Clients.ContactKind.Phone).Select(x => x.Value).FirstOrDefault(),
            c.IsGroup, c.Title, c.Holder, c.HolderUserId,
            db.Users.Where(u => u.Id == c.HolderUserId).Select(u => u.DisplayName).FirstOrDefault(),
            c.LastMessageAt, c.LastMessagePreview, c.UnreadCount,
            deal == null ? null : deal.Id, deal == null ? null : deal.StageId,
            deal == null ? null : db.FunnelStages.Where(s => s.Id == deal.StageId).Select(s => s.Name).FirstOrDefault(),
            c.Version, c.HolderReason);

    private StageActor Actor() => Actors.Current(org);

    private static void ValidateText(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw DomainException.Invalid("text", "Сообщение пустое.");
        }

        if (text.Length > 4096)
        {
            throw DomainException.Invalid("text", "Сообщение — не длиннее 4096 символов.");
        }
    }

    internal static MessageItem ToItem(Message m) =>
        new(m.Id, m.ConversationId, m.Direction, m.Author, m.AuthorUserId, m.AuthorName, m.Text, m.Attachments, m.ReplyToId, m.Status, m.Error, m.SentAt, m.AgentRunId);

    private sealed class HolderChangedException(Holder holder) : Exception
    {
        public Holder Holder { get; } = holder;
    }
}
