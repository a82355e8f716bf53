using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using SoulKg.Domain;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Handoffs;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Conversations;

/// <summary>One inbound message as a channel adapter delivers it.</summary>
public sealed record InboundMessage
{
    public required Guid ChannelId { get; init; }
    public required string ExternalId { get; init; }

    /// <summary>The chat: <c>996555123456@c.us</c>, <c>…@lid</c>, or a group <c>…@g.us</c>.</summary>
    public required string ChatId { get; init; }
    public bool IsGroup { get; init; }
    public string? GroupTitle { get; init; }

    /// <summary>The author's phone in any format, when the messenger tells it.</summary>
    public string? SenderPhone { get; init; }

    /// <summary>The author's WhatsApp linked id (<c>…@lid</c>), when the messenger uses one.</summary>
    public string? SenderLid { get; init; }
    public string? SenderName { get; init; }
    public string Text { get; init; } = "";
    public DateTimeOffset SentAt { get; init; }
    public IReadOnlyList<Attachment> Attachments { get; init; } = [];
    public string? ReplyToExternalId { get; init; }
}

public enum InboundOutcome
{
    Stored = 0,
    Duplicate = 1,
    Failed = 2,
}

public sealed record InboundResult(InboundOutcome Outcome, Guid? ConversationId, Guid? MessageId, string? Error = null);

/// <summary>Called after an inbound message is stored, when the AI agent holds the chat (the agents issue plugs in here).</summary>
public interface IInboundReaction
{
    Task OnInboundAsync(Guid orgId, Guid conversationId, Guid messageId, CancellationToken cancellationToken);
}

/// <summary>
/// Called after an inbound message is stored in a partner chat (a conversation with a partner, not a client): the
/// partner handoff reads "да"/"нет" here. Partner chats never reach <see cref="IInboundReaction"/>.
/// </summary>
public interface IPartnerReplyReaction
{
    Task OnPartnerReplyAsync(Guid orgId, Guid partnerId, Guid conversationId, Guid messageId, CancellationToken cancellationToken);
}

/// <summary>
/// One path for every channel: store the raw envelope first (so nothing is lost whatever fails next), dedupe on
/// (channel, external id), find or create the client and the conversation, store the message, and — after commit — let
/// the agent react. The database trigger pushes the new message and conversation to every open inbox.
/// </summary>
public sealed class InboundPipeline(IServiceScopeFactory scopes, ILogger<InboundPipeline> logger)
{
    public async Task<InboundResult> ReceiveAsync(Guid orgId, InboundMessage message, CancellationToken ct = default)
    {
        Guid envelopeId;
        await using (var scope = scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.System, "inbound");
            var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>();
            await using var db = await factory.CreateDbContextAsync(ct);
            // Every reconnect's catch-up re-delivers the unread messages: look first, so an expected duplicate is one
            // indexed read instead of a failed INSERT that EF logs as an error. The unique index still settles a race.
            if (await db.InboundEnvelopes.AnyAsync(e => e.ChannelId == message.ChannelId && e.ExternalId == message.ExternalId, ct))
            {
                return new InboundResult(InboundOutcome.Duplicate, null, null);
            }

            var envelope = new InboundEnvelope
            {
                OrgId = orgId,
                ChannelId = message.ChannelId,
                ExternalId = message.ExternalId,
                Payload = JsonSerializer.Serialize(message),
                ReceivedAt = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow(),
            };
            db.InboundEnvelopes.Add(envelope);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                return new InboundResult(InboundOutcome.Duplicate, null, null);
            }

            envelopeId = envelope.Id;
        }

        return await ProcessAsync(orgId, envelopeId, ct);
    }

    /// <summary>Turns a stored envelope into a message; safe to call again for a failed one.</summary>
    public async Task<InboundResult> ProcessAsync(Guid orgId, Guid envelopeId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var org = services.GetRequiredService<OrgContext>();
        org.SetSystem(orgId, ActorType.System, "inbound");
        var factory = services.GetRequiredService<IDbContextFactory<SoulKgDbContext>>();
        var clock = services.GetRequiredService<TimeProvider>();
        InboundResult result;
        Holder holder;
        Guid? partnerId;
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var envelope = await db.InboundEnvelopes.FirstAsync(e => e.Id == envelopeId, ct);
            if (envelope.Status is InboundStatus.Processed or InboundStatus.Duplicate)
            {
                return new InboundResult(InboundOutcome.Duplicate, null, envelope.MessageId);
            }

            var message = JsonSerializer.Deserialize<InboundMessage>(envelope.Payload)
                ?? throw new InvalidOperationException("The stored envelope is not a message.");
            var now = clock.GetUtcNow();
            // A known chat keeps its client (even when the sender's number cannot be parsed); a new one finds or creates it.
            var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.ChannelId == message.ChannelId && c.ExternalChatId == message.ChatId, ct)
                ?? await PartnerChats.ForNewChatAsync(db, message, now, ct);
            if (conversation?.PartnerId is null)
            {
                var clientId = await FindOrCreateClientAsync(db, org, message, conversation?.ClientId, now, ct);
                if (conversation is null)
                {
                    conversation = new Conversation
                    {
                        ChannelId = message.ChannelId, ClientId = clientId, ExternalChatId = message.ChatId, IsGroup = message.IsGroup,
                        Title = message.IsGroup ? message.GroupTitle : null, Holder = Holder.AiActive, HolderSince = now, CreatedAt = now,
                    };
                    db.Conversations.Add(conversation);
                }

                if (HolderRules.OnInbound(conversation, now, new StageActor(ActorType.System, null, "inbound")) is { } reopened)
                {
                    db.HolderChanges.Add(reopened);
                }
            }

            var stored = new Message
            {
                ConversationId = conversation.Id, ChannelId = message.ChannelId, Direction = MessageDirection.Inbound, Author = MessageAuthor.Client,
                AuthorName = message.SenderName, Text = message.Text, Attachments = message.Attachments.ToList(), ExternalId = message.ExternalId,
                Status = MessageStatus.Received, SentAt = message.SentAt == default ? now : message.SentAt, CreatedAt = now,
            };
            if (message.ReplyToExternalId is { } replyTo)
            {
                stored.ReplyToId = await db.Messages.Where(m => m.ChannelId == message.ChannelId && m.ExternalId == replyTo).Select(m => (Guid?)m.Id).FirstOrDefaultAsync(ct);
            }

            db.Messages.Add(stored);
            conversation.LastMessageAt = stored.SentAt > conversation.LastMessageAt ? stored.SentAt : conversation.LastMessageAt;
            conversation.LastMessagePreview = Preview(message.Text, message.Attachments);
            conversation.LastInboundAt = now;
            conversation.UnreadCount++;
            envelope.Status = InboundStatus.Processed;
            envelope.ProcessedAt = now;
            envelope.MessageId = stored.Id;
            envelope.Attempts++;
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            result = new InboundResult(InboundOutcome.Stored, conversation.Id, stored.Id);
            holder = conversation.Holder;
            partnerId = conversation.PartnerId;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "ix_messages_channel_id_external_id" })
        {
            await MarkAsync(factory, envelopeId, InboundStatus.Duplicate, null, ct);
            return new InboundResult(InboundOutcome.Duplicate, null, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Kept with its error and retried by the inbound retry worker; never dropped.
            logger.LogError(e, "Inbound message {EnvelopeId} could not be processed", envelopeId);
            // EF's own message ("An error occurred while saving…") says nothing; the database's reason is what an admin needs.
            var error = e.GetBaseException().Message;
            await MarkAsync(factory, envelopeId, InboundStatus.Failed, error, ct);
            return new InboundResult(InboundOutcome.Failed, null, null, error);
        }

        if (partnerId is { } partner)
        {
            // A partner's answer to a handoff card: never the agent's business.
            foreach (var reaction in services.GetServices<IPartnerReplyReaction>())
            {
                try
                {
                    await reaction.OnPartnerReplyAsync(orgId, partner, result.ConversationId!.Value, result.MessageId!.Value, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Reaction to partner message {MessageId} failed", result.MessageId);
                }
            }
        }
        else if (holder == Holder.AiActive)
        {
            foreach (var reaction in services.GetServices<IInboundReaction>())
            {
                try
                {
                    await reaction.OnInboundAsync(orgId, result.ConversationId!.Value, result.MessageId!.Value, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Reaction to inbound message {MessageId} failed", result.MessageId);
                }
            }
        }

        return result;
    }

    private static async Task MarkAsync(IDbContextFactory<SoulKgDbContext> factory, Guid envelopeId, InboundStatus status, string? error, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.InboundEnvelopes.Where(e => e.Id == envelopeId).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.Status, status)
            .SetProperty(e => e.Error, error == null ? null : error.Length > 2000 ? error.Substring(0, 2000) : error)
            .SetProperty(e => e.Attempts, e => e.Attempts + 1), ct);
    }

    /// <summary>
    /// The client is found by phone or by WhatsApp linked id (either may come first); when a message brings both, the
    /// missing one is added so later messages match either way.
    /// </summary>
    private static async Task<Guid> FindOrCreateClientAsync(SoulKgDbContext db, OrgContext org, InboundMessage message, Guid? knownClientId, DateTimeOffset now, CancellationToken ct)
    {
        var phone = Phones.Normalize(message.SenderPhone ?? PhoneFromChatId(message.IsGroup ? null : message.ChatId));
        var lid = message.SenderLid ?? (message.ChatId.EndsWith("@lid", StringComparison.Ordinal) && !message.IsGroup ? message.ChatId : null);
        var contacts = await db.ClientContacts
            .Where(c => (phone != null && c.Kind == ContactKind.Phone && c.Value == phone) || (lid != null && c.Kind == ContactKind.WhatsAppLid && c.Value == lid))
            .ToListAsync(ct);
        var clientId = knownClientId ?? contacts.Select(c => (Guid?)c.ClientId).FirstOrDefault();
        if (knownClientId is not null && contacts.Any(c => c.ClientId != knownClientId))
        {
            // The number or linked id already belongs to another client: leave contacts as they are; merging is a person's call.
            return knownClientId.Value;
        }

        if (clientId is null)
        {
            var name = string.IsNullOrWhiteSpace(message.SenderName) ? (phone is null ? lid ?? "Клиент" : Phones.Format(phone)) : message.SenderName.Trim();
            var client = new Client { Name = name.Length > 200 ? name[..200] : name, Source = ClientSource.WhatsApp, CreatedAt = now, UpdatedAt = now };
            db.Clients.Add(client);
            db.TimelineEvents.Add(Timeline.Event(org, client.Id, null, TimelineKind.ClientCreated, $"Новый клиент из WhatsApp: {client.Name}", now));
            clientId = client.Id;
        }

        if (phone is not null && contacts.All(c => c.Kind != ContactKind.Phone))
        {
            db.ClientContacts.Add(new ClientContact { ClientId = clientId.Value, Kind = ContactKind.Phone, Value = phone, IsPrimary = true });
        }

        if (lid is not null && contacts.All(c => c.Kind != ContactKind.WhatsAppLid))
        {
            db.ClientContacts.Add(new ClientContact { ClientId = clientId.Value, Kind = ContactKind.WhatsAppLid, Value = lid });
        }

        return clientId.Value;
    }

    internal static string? PhoneFromChatId(string? chatId) =>
        chatId is not null && chatId.EndsWith("@c.us", StringComparison.Ordinal) ? "+" + chatId[..chatId.IndexOf('@', StringComparison.Ordinal)] : null;

    internal static string Preview(string text, IReadOnlyList<Attachment> attachments)
    {
        var preview = string.IsNullOrWhiteSpace(text) ? attachments.Count > 0 ? "📎 " + attachments[0].FileName : "" : text.ReplaceLineEndings(" ");
        return preview.Length > 200 ? preview[..197] + "…" : preview;
    }
}
