using Microsoft.EntityFrameworkCore;
using SoulKg.Domain;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Partners;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Data;

namespace SoulKg.Infrastructure.Handoffs;

/// <summary>
/// Partner chats: ordinary conversations on the org's WhatsApp channel with <c>PartnerId</c> set and no client. They are
/// Closed for the inbox and the agent; their messages go through the same outbox as client messages.
/// </summary>
public static class PartnerChats
{
    public const string AuthorName = "Передача партнёру";

    public static string ChatIdOf(string e164) => e164.TrimStart('+') + "@c.us";

    /// <summary>The org's WhatsApp channel that partner cards leave through: a ready one first, then the oldest active one.</summary>
    public static async Task<Channel> ChannelAsync(SoulKgDbContext db, CancellationToken ct) =>
        await db.Channels.AsNoTracking().Where(c => c.Kind == ChannelKind.WhatsApp && c.IsActive)
            .OrderBy(c => c.State == ChannelState.Ready ? 0 : 1).ThenBy(c => c.CreatedAt).FirstOrDefaultAsync(ct)
        ?? throw DomainException.Conflict("channel", "Нет подключённого WhatsApp: подключите номер в настройках, чтобы писать партнёрам.");

    public static async Task<Conversation> EnsureAsync(SoulKgDbContext db, Guid channelId, Partner partner, DateTimeOffset now, CancellationToken ct)
    {
        var phone = partner.WhatsAppPhone ?? throw DomainException.Invalid("partnerIds", $"У партнёра «{partner.Name}» нет номера WhatsApp.");
        var chatId = ChatIdOf(phone);
        var existing = await db.Conversations.FirstOrDefaultAsync(c => c.ChannelId == channelId && c.ExternalChatId == chatId, ct);
        if (existing is not null)
        {
            return existing.PartnerId == partner.Id ? existing : throw DomainException.Conflict("partnerIds",
                $"Номер партнёра «{partner.Name}» уже ведётся как чат с клиентом или другим партнёром; исправьте номер в карточке партнёра.");
        }

        var conversation = New(channelId, partner.Id, chatId, partner.Name, now);
        db.Conversations.Add(conversation);
        return conversation;
    }

    /// <summary>
    /// A first message from a chat we do not know yet, sent by a partner we already write to on this channel (WhatsApp
    /// may answer from a linked id instead of the number we wrote to): it opens a second chat with the same partner.
    /// </summary>
    public static async Task<Conversation?> ForNewChatAsync(SoulKgDbContext db, InboundMessage message, DateTimeOffset now, CancellationToken ct)
    {
        var phone = message.IsGroup ? null : Phones.Normalize(message.SenderPhone ?? InboundPipeline.PhoneFromChatId(message.ChatId));
        if (phone is null)
        {
            return null;
        }

        var partner = await (from c in db.Conversations
                             join p in db.Partners on c.PartnerId equals (Guid?)p.Id
                             where c.ChannelId == message.ChannelId && p.WhatsAppPhone == phone
                             select new { p.Id, p.Name }).FirstOrDefaultAsync(ct);
        if (partner is null)
        {
            return null;
        }

        var conversation = New(message.ChannelId, partner.Id, message.ChatId, partner.Name, now);
        db.Conversations.Add(conversation);
        return conversation;
    }

    /// <summary>Adds an outgoing message and its outbox entry to the caller's unit of work (one transaction with the handoff).</summary>
    public static Message Enqueue(SoulKgDbContext db, Conversation chat, string text, DateTimeOffset now)
    {
        var message = new Message
        {
            ConversationId = chat.Id, ChannelId = chat.ChannelId, Direction = MessageDirection.Outbound, Author = MessageAuthor.System,
            AuthorName = AuthorName, Text = text, Status = MessageStatus.Queued, SentAt = now, CreatedAt = now, StatusAt = now,
        };
        db.Messages.Add(message);
        db.Outbox.Add(new OutboxEntry
        {
            MessageId = message.Id, ChannelId = chat.ChannelId, ChatId = chat.ExternalChatId, Status = OutboxStatus.Pending, NextAttemptAt = now, CreatedAt = now,
        });
        chat.LastMessageAt = now;
        chat.LastMessagePreview = InboundPipeline.Preview(text, []);
        return message;
    }

    private static Conversation New(Guid channelId, Guid partnerId, string chatId, string name, DateTimeOffset now) => new()
    {
        ChannelId = channelId, PartnerId = partnerId, ExternalChatId = chatId, Title = name.Length > 200 ? name[..200] : name,
        Holder = Holder.Closed, HolderReason = "Чат с партнёром", HolderSince = now, CreatedAt = now, LastMessageAt = now,
    };
}
