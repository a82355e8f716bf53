using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using SoulKg.Domain;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Imports;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Import;

/// <summary>Who the company is in the chats: its own author names or numbers, and the user its messages are stored under.</summary>
public sealed record WhoIsWho(IReadOnlyList<string> OurNames, Guid? OurUserId)
{
    private readonly HashSet<string> _phones = OurNames.Select(Phones.Normalize).OfType<string>().ToHashSet();

    public bool IsOurs(string? author) =>
        author is not null && (OurNames.Any(n => string.Equals(n.Trim(), author.Trim(), StringComparison.OrdinalIgnoreCase))
            || (Phones.Normalize(author) is { } phone && _phones.Contains(phone)));
}

/// <summary>
/// Stores one parsed chat inside the caller's transaction: finds or creates its clients (by E.164 phone, then by exact
/// name), its conversation (the same chat id a live WhatsApp message would have, so history and live messages meet),
/// and the messages it does not have yet (by fingerprint). A new conversation gets a deal at the suggested stage, flagged
/// for review. Messages go in with one multi-row INSERT, without the per-row change feed: the conversation row itself
/// tells the open screens.
/// </summary>
internal sealed class ChatWriter(SoulKgDbContext db, OrgContext org, ImportOptions options, DateTimeOffset now, WhoIsWho who, List<string> writtenFiles)
{
    private const string OmittedText = "📎 медиа не вошло в экспорт";

    public async Task WriteAsync(ParsedChat chat, FileReport report, CancellationToken ct)
    {
        var telegram = chat.Format == ImportFormats.Telegram;
        var clientAuthors = chat.Authors.Where(a => !who.IsOurs(a)).ToList();
        var isGroup = chat.IsGroup || clientAuthors.Count > 1;
        report.IsGroup |= isGroup;
        report.Participants.AddRange(clientAuthors.Where(a => !report.Participants.Contains(a)));
        var title = chat.Title ?? clientAuthors.FirstOrDefault() ?? "Чат";
        if (chat.Messages.Count == 0)
        {
            report.Warnings.Add(new(null, $"«{title}»: в чате нет сообщений"));
            return;
        }

        var channel = await ChannelAsync(telegram ? ChannelKind.Telegram : ChannelKind.WhatsApp, ct);
        var clients = new List<(string Name, Guid Id)>();
        foreach (var author in isGroup ? clientAuthors : [clientAuthors.FirstOrDefault() ?? title])
        {
            var telegramId = telegram ? chat.Messages.FirstOrDefault(m => m.Author == author)?.AuthorId : null;
            clients.Add((author, await ClientAsync(author, telegram, telegramId, report, ct)));
        }

        var chatId = ExternalChatId(chat, isGroup, title, clientAuthors.FirstOrDefault() ?? title);
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.ChannelId == channel && c.ExternalChatId == chatId, ct);
        var isNew = conversation is null;
        if (conversation is null)
        {
            conversation = new Conversation
            {
                ChannelId = channel, ClientId = clients[0].Id, ExternalChatId = chatId, IsGroup = isGroup, Title = isGroup ? Trim(title, 200) : null,
                Holder = Holder.Human, HolderUserId = who.OurUserId, HolderReason = "Импортированная переписка", HolderSince = now, CreatedAt = now,
            };
            db.Conversations.Add(conversation);
            report.ConversationsCreated++;
        }

        if (isGroup)
        {
            var known = await db.Set<ConversationParticipant>().Where(p => p.ConversationId == conversation.Id).Select(p => p.ClientId).ToListAsync(ct);
            foreach (var (name, id) in clients.Where(c => !known.Contains(c.Id)).DistinctBy(c => c.Id))
            {
                db.Set<ConversationParticipant>().Add(new ConversationParticipant { ConversationId = conversation.Id, ClientId = id, DisplayName = Trim(name, 200) });
            }
        }

        report.ClientId ??= conversation.ClientId;
        report.ConversationId ??= conversation.Id;
        var existing = isNew
            ? []
            : (await db.Messages.Where(m => m.ConversationId == conversation.Id && m.Fingerprint != null).Select(m => m.Fingerprint!).ToListAsync(ct)).ToHashSet();
        var fresh = new List<(ParsedMessage Parsed, string Fingerprint)>();
        var occurrences = new Dictionary<string, int>();
        foreach (var m in chat.Messages)
        {
            var fingerprint = Fingerprint(m, telegram, occurrences);
            if (existing.Add(fingerprint))
            {
                fresh.Add((m, fingerprint));
            }
            else
            {
                report.Duplicates++;
            }
        }

        if (fresh.Count > 0)
        {
            var rows = new List<Message>(fresh.Count);
            long mediaBytes = 0;
            foreach (var (parsed, fingerprint) in fresh)
            {
                var ours = who.IsOurs(parsed.Author);
                var attachments = new List<Attachment>();
                foreach (var name in parsed.Attachments)
                {
                    var (attachment, bytes) = await StoreMediaAsync(chat, conversation.Id, fingerprint, name, parsed.Line, mediaBytes, report, ct);
                    mediaBytes += bytes;
                    attachments.Add(attachment);
                }

                rows.Add(new Message
                {
                    OrgId = org.RequiredOrgId, ConversationId = conversation.Id, ChannelId = channel,
                    Direction = ours ? MessageDirection.Outbound : MessageDirection.Inbound,
                    Author = ours ? MessageAuthor.User : MessageAuthor.Client,
                    AuthorUserId = ours ? who.OurUserId : null,
                    AuthorName = parsed.Author is null ? null : Trim(parsed.Author, 200),
                    Text = parsed.MediaOmitted && parsed.Text.Length == 0 ? OmittedText : parsed.Text,
                    Attachments = attachments,
                    Status = ours ? MessageStatus.Read : MessageStatus.Received,
                    SentAt = parsed.SentAt, CreatedAt = now, Fingerprint = fingerprint,
                });
            }

            var last = rows.MaxBy(r => r.SentAt)!;
            if (last.SentAt >= conversation.LastMessageAt)
            {
                conversation.LastMessageAt = last.SentAt;
                conversation.LastMessagePreview = Preview(last);
            }

            var lastInbound = rows.Where(r => r.Direction == MessageDirection.Inbound).Select(r => (DateTimeOffset?)r.SentAt).Max();
            if (lastInbound > (conversation.LastInboundAt ?? DateTimeOffset.MinValue))
            {
                conversation.LastInboundAt = lastInbound;
            }

            if (!isNew)
            {
                report.ConversationsUpdated++;
            }

            report.MessagesAdded += rows.Count;
            // Imported chats are client chats; a partner chat (handoff cards) never matches an import's chat id.
            var clientId = conversation.ClientId ?? throw new InvalidOperationException("An imported chat must belong to a client.");
            db.TimelineEvents.Add(Timeline.Event(org, clientId, null, TimelineKind.Imported,
                $"Импорт переписки «{Trim(title, 100)}»: {rows.Count} сообщ.", now, new { conversationId = conversation.Id, file = report.File }));
            if (isNew)
            {
                await DealAsync(clientId, title, telegram, chat, report, ct);
            }

            await db.SaveChangesAsync(ct);
            await InsertMessagesAsync(rows, ct);
        }
        else
        {
            await db.SaveChangesAsync(ct);
        }
    }

    private async Task<Guid> ChannelAsync(ChannelKind kind, CancellationToken ct)
    {
        var id = await db.Channels.Where(c => c.Kind == kind).OrderBy(c => c.CreatedAt).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
        if (id is { } found)
        {
            return found;
        }

        // History arrives before any account is linked: a switched-off channel holds it, and a later link reuses it.
        var channel = new Channel
        {
            Kind = kind, Mode = ChannelMode.WhatsAppWeb, Name = kind == ChannelKind.Telegram ? "Telegram (импорт)" : "WhatsApp (импорт)",
            State = ChannelState.Stopped, StateReason = "Создан импортом истории", StateChangedAt = now, IsActive = false, CreatedAt = now,
        };
        db.Channels.Add(channel);
        await db.SaveChangesAsync(ct);
        return channel.Id;
    }

    private async Task<Guid> ClientAsync(string author, bool telegram, string? telegramId, FileReport report, CancellationToken ct)
    {
        var phone = Phones.Normalize(author);
        var tgId = telegramId is { } raw && raw.StartsWith("user", StringComparison.Ordinal) ? raw[4..] : null;
        var byContact = await db.ClientContacts
            .Where(c => (phone != null && c.Kind == ContactKind.Phone && c.Value == phone) || (tgId != null && c.Kind == ContactKind.TelegramId && c.Value == tgId))
            .Select(c => (Guid?)c.ClientId).FirstOrDefaultAsync(ct);
        if (byContact is { } matched && await db.Clients.AnyAsync(c => c.Id == matched && c.MergedIntoId == null, ct))
        {
            report.ClientsMatched++;
            return matched;
        }

        var name = phone is null ? Trim(author, 200) : Phones.Format(phone);
        if (phone is null)
        {
            var lower = name.ToLower();
            var byName = await db.Clients.Where(c => c.MergedIntoId == null && c.Name.ToLower() == lower).Select(c => c.Id).Take(2).ToListAsync(ct);
            if (byName.Count == 1)
            {
                report.ClientsMatched++;
                if (tgId is not null && !await db.ClientContacts.AnyAsync(c => c.Kind == ContactKind.TelegramId && c.Value == tgId, ct))
                {
                    db.ClientContacts.Add(new ClientContact { ClientId = byName[0], Kind = ContactKind.TelegramId, Value = tgId });
                }

                return byName[0];
            }

            if (byName.Count > 1)
            {
                report.Warnings.Add(new(null, $"клиентов с именем «{name}» несколько: создан новый, объедините их при необходимости"));
            }
        }

        var client = new Client
        {
            Name = name, Source = telegram ? ClientSource.Telegram : ClientSource.WhatsApp, CreatedAt = now, UpdatedAt = now,
            ResponsibleUserId = who.OurUserId, Tags = ["импорт"],
        };
        db.Clients.Add(client);
        if (phone is not null)
        {
            db.ClientContacts.Add(new ClientContact { ClientId = client.Id, Kind = ContactKind.Phone, Value = phone, IsPrimary = true });
        }

        if (tgId is not null)
        {
            db.ClientContacts.Add(new ClientContact { ClientId = client.Id, Kind = ContactKind.TelegramId, Value = tgId, IsPrimary = phone is null });
        }

        db.TimelineEvents.Add(Timeline.Event(org, client.Id, null, TimelineKind.ClientCreated, $"Клиент из импорта {(telegram ? "Telegram" : "WhatsApp")}: {client.Name}", now));
        report.ClientsCreated++;
        // Saved at once so a second chat of the same file with this person finds them.
        await db.SaveChangesAsync(ct);
        return client.Id;
    }

    private async Task DealAsync(Guid clientId, string title, bool telegram, ParsedChat chat, FileReport report, CancellationToken ct)
    {
        var lines = chat.Messages.Select(m => new ChatLine(who.IsOurs(m.Author), m.Text, m.SentAt)).ToList();
        var kind = StageSuggestion.Suggest(lines, now);
        var stages = await db.FunnelStages.Where(s => !s.IsArchived).OrderBy(s => s.Order).ToListAsync(ct);
        if (stages.Count == 0)
        {
            report.Warnings.Add(new(null, "в воронке нет этапов: сделка не создана"));
            return;
        }

        var stage = stages.FirstOrDefault(s => s.Kind == kind) ?? stages[0];
        var top = await db.Deals.Where(d => d.StageId == stage.Id && d.Status == DealStatus.Open).MinAsync(d => (double?)d.SortOrder, ct) ?? 0;
        var deal = new Deal
        {
            ClientId = clientId, StageId = stage.Id, StageEnteredAt = now, SortOrder = top - 1, Title = Trim("Из импорта: " + title, 200),
            Source = telegram ? ClientSource.Telegram : ClientSource.WhatsApp, ResponsibleUserId = who.OurUserId, NeedsStageReview = true,
            CreatedAt = now, UpdatedAt = now,
        };
        db.Deals.Add(deal);
        db.DealStageChanges.Add(new DealStageChange
        {
            DealId = deal.Id, FromStageId = null, ToStageId = stage.Id, FromStatus = DealStatus.Open, ToStatus = DealStatus.Open,
            Reason = "Импорт: этап предложен по переписке, проверьте", ActorType = org.ActorType, ActorId = org.UserId, ActorName = org.ActorName, At = now,
        });
        db.TimelineEvents.Add(Timeline.Event(org, clientId, deal.Id, TimelineKind.DealCreated, $"Сделка из импорта на этапе «{stage.Name}» (проверьте этап)", now));
        report.DealsCreated++;
        report.SuggestedStage = stage.Name;
    }

    private async Task<(Attachment Attachment, long Bytes)> StoreMediaAsync(
        ParsedChat chat, Guid conversationId, string fingerprint, string name, int line, long usedBytes, FileReport report, CancellationToken ct)
    {
        var contentType = ContentTypeOf(name);
        var fileName = Path.GetFileName(name);
        if (!chat.Media.TryGetValue(name, out var media) && !chat.Media.TryGetValue(fileName, out media))
        {
            if (chat.Media.Count > 0)
            {
                report.Warnings.Add(new(line, $"файла «{fileName}» нет в архиве"));
            }

            return (new Attachment(fileName, contentType, 0, null), 0);
        }

        if (media.Size > options.MaxAttachmentBytes || usedBytes + media.Size > options.MaxMediaBytesPerChat)
        {
            report.Warnings.Add(new(line, $"«{fileName}» ({media.Size / 1024} КБ) больше лимита и не сохранён"));
            return (new Attachment(fileName, contentType, media.Size, null), 0);
        }

        var relative = Path.Combine("media", org.RequiredOrgId.ToString("N"), conversationId.ToString("N"), fingerprint[..16] + "-" + SafeName(fileName));
        var full = Path.Combine(options.StoragePath, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (!File.Exists(full))
        {
            writtenFiles.Add(full);
            await using var source = media.Open();
            await using var target = File.Create(full);
            await source.CopyToAsync(target, ct);
        }

        report.Attachments++;
        return (new Attachment(fileName, contentType, media.Size, relative.Replace('\\', '/')), media.Size);
    }

    /// <summary>
    /// The same message in a later export of the same chat gets the same fingerprint: time as exported, author and text,
    /// plus how many identical ones came before it in the file ("ок" twice in one minute stays two messages).
    /// </summary>
    internal static string Fingerprint(ParsedMessage m, bool telegram, Dictionary<string, int> occurrences)
    {
        var key = telegram && m.ExternalId is { } id
            ? "tg|" + id
            : $"{m.SentAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss}|{m.Author}|{m.Text}|{string.Join('/', m.Attachments)}";
        var n = occurrences[key] = occurrences.GetValueOrDefault(key) + 1;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key + "|" + n)));
    }

    private static string ExternalChatId(ParsedChat chat, bool isGroup, string title, string client)
    {
        if (chat.Format == ImportFormats.Telegram && chat.ExternalId is { } id)
        {
            return "tg:" + id;
        }

        if (!isGroup && Phones.Normalize(client) is { } phone)
        {
            return phone.TrimStart('+') + "@c.us";
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((isGroup ? title : client).Trim().ToLowerInvariant())))[..24];
        return (isGroup ? "import-group:" : "import:") + hash;
    }

    private async Task InsertMessagesAsync(List<Message> rows, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
        await using (var off = new NpgsqlCommand("SELECT set_config('app.bulk', 'on', true)", connection, transaction))
        {
            await off.ExecuteScalarAsync(ct);
        }

        foreach (var batch in rows.Chunk(5000))
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO messages (id, org_id, conversation_id, channel_id, direction, author, author_user_id, author_name, text, status, sent_at, created_at, fingerprint, attachments)
                SELECT * FROM unnest(@id, @org, @conversation, @channel, @direction, @author, @user, @name, @text, @status, @sent, @created, @fingerprint, @attachments)
                """, connection, transaction);
            insert.Parameters.Add(Array("id", NpgsqlDbType.Uuid, batch.Select(m => m.Id).ToArray()));
            insert.Parameters.Add(Array("org", NpgsqlDbType.Uuid, batch.Select(m => m.OrgId).ToArray()));
            insert.Parameters.Add(Array("conversation", NpgsqlDbType.Uuid, batch.Select(m => m.ConversationId).ToArray()));
            insert.Parameters.Add(Array("channel", NpgsqlDbType.Uuid, batch.Select(m => m.ChannelId).ToArray()));
            insert.Parameters.Add(Array("direction", NpgsqlDbType.Varchar, batch.Select(m => m.Direction.ToString()).ToArray()));
            insert.Parameters.Add(Array("author", NpgsqlDbType.Varchar, batch.Select(m => m.Author.ToString()).ToArray()));
            insert.Parameters.Add(Array("user", NpgsqlDbType.Uuid, batch.Select(m => m.AuthorUserId).ToArray()));
            insert.Parameters.Add(Array("name", NpgsqlDbType.Varchar, batch.Select(m => m.AuthorName).ToArray()));
            insert.Parameters.Add(Array("text", NpgsqlDbType.Text, batch.Select(m => m.Text).ToArray()));
            insert.Parameters.Add(Array("status", NpgsqlDbType.Varchar, batch.Select(m => m.Status.ToString()).ToArray()));
            insert.Parameters.Add(Array("sent", NpgsqlDbType.TimestampTz, batch.Select(m => m.SentAt.UtcDateTime).ToArray()));
            insert.Parameters.Add(Array("created", NpgsqlDbType.TimestampTz, batch.Select(m => m.CreatedAt.UtcDateTime).ToArray()));
            insert.Parameters.Add(Array("fingerprint", NpgsqlDbType.Varchar, batch.Select(m => m.Fingerprint).ToArray()));
            // Attachment JSON has the CLR property names, as EF writes the complex collection.
            insert.Parameters.Add(Array("attachments", NpgsqlDbType.Jsonb, batch.Select(m => JsonSerializer.Serialize(m.Attachments)).ToArray()));
            await insert.ExecuteNonQueryAsync(ct);
        }

        await using var on = new NpgsqlCommand("SELECT set_config('app.bulk', '', true)", connection, transaction);
        await on.ExecuteScalarAsync(ct);
    }

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, T[] values) => new(name, NpgsqlDbType.Array | type) { Value = values };

    private static string Preview(Message m) => m.Text.Length > 0 ? Trim(m.Text.ReplaceLineEndings(" "), 200) : m.Attachments.Count > 0 ? "📎 " + Trim(m.Attachments[0].FileName, 190) : "";

    private static string Trim(string text, int max) => text.Length > max ? text[..(max - 1)] + "…" : text;

    private static string SafeName(string name)
    {
        var safe = new string(name.Select(ch => char.IsLetterOrDigit(ch) || ch is '.' or '-' or '_' ? ch : '_').ToArray());
        return safe.Length > 100 ? safe[^100..] : safe;
    }

    private static string? ContentTypeOf(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".webp" => "image/webp",
        ".gif" => "image/gif",
        ".mp4" => "video/mp4",
        ".opus" => "audio/ogg",
        ".ogg" => "audio/ogg",
        ".mp3" => "audio/mpeg",
        ".m4a" => "audio/mp4",
        ".pdf" => "application/pdf",
        ".vcf" => "text/vcard",
        _ => null,
    };
}
