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

/// <summary>
/// Who the company is in the chats: its own author names or numbers, which of them is which user of the organisation
/// (<paramref name="People"/>: author → user), and the user the others' messages are stored under.
/// </summary>
public sealed record WhoIsWho(IReadOnlyList<string> OurNames, Guid? OurUserId, IReadOnlyDictionary<string, Guid>? People = null)
{
    private readonly HashSet<string> _phones = OurNames.Concat(People?.Keys ?? []).Select(Phones.Normalize).OfType<string>().ToHashSet();

    public bool IsOurs(string? author) => author is not null && (Same(OurNames, author) is not null || (People is not null && Same(People.Keys, author) is not null)
        || (Phones.Normalize(author) is { } phone && _phones.Contains(phone)));

    /// <summary>The user a message of ours by <paramref name="author"/> is stored under.</summary>
    public Guid? UserOf(string? author) =>
        author is not null && People is not null && (Same(People.Keys, author) ?? SamePhone(People.Keys, author)) is { } key ? People[key] : OurUserId;

    private static string? Same(IEnumerable<string> names, string author) =>
        names.FirstOrDefault(n => string.Equals(n.Trim(), author.Trim(), StringComparison.OrdinalIgnoreCase));

    private static string? SamePhone(IEnumerable<string> names, string author) =>
        Phones.Normalize(author) is { } phone ? names.FirstOrDefault(n => Phones.Normalize(n) == phone) : null;
}

/// <summary>
/// Stores one parsed chat inside the caller's transaction: finds or creates its clients (by E.164 phone, then by exact
/// name), its conversation (the same chat id a live WhatsApp message would have, so history and live messages meet),
/// and the messages it does not have yet (by fingerprint). A new conversation gets a deal at the suggested stage, flagged
/// for review. Messages go in with one multi-row INSERT, without the per-row change feed: the conversation row itself
/// tells the open screens.
/// </summary>
internal sealed class ChatWriter(SoulKgDbContext db, OrgContext org, ImportOptions options, DateTimeOffset now, WhoIsWho who, ImportLookups lookups, List<string> writtenFiles)
{
    private readonly Dictionary<string, Guid> _created = [];

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
        var clients = await ClientsAsync(isGroup ? clientAuthors : [clientAuthors.FirstOrDefault() ?? title], telegram, chat, report, ct);

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
            var known = isNew ? [] : await db.Set<ConversationParticipant>().Where(p => p.ConversationId == conversation.Id).Select(p => p.ClientId).ToListAsync(ct);
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
                    AuthorUserId = ours ? who.UserOf(parsed.Author) : null,
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
        if (lookups.Channels.TryGetValue(kind, out var cached))
        {
            return cached;
        }

        var id = await db.Channels.Where(c => c.Kind == kind).OrderBy(c => c.CreatedAt).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
        if (id is { } found)
        {
            // Only a committed channel is remembered: one created below rolls back with a failing file.
            lookups.Channels[kind] = found;
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

    /// <summary>
    /// Finds or creates the chat's clients with two queries for all of them (by contact, then by exact name) rather than
    /// a few per author: an import of a hundred chats spent most of its time in such round trips.
    /// </summary>
    private async Task<List<(string Name, Guid Id)>> ClientsAsync(IReadOnlyList<string> authors, bool telegram, ParsedChat chat, FileReport report, CancellationToken ct)
    {
        var wanted = authors.Select(a => (Author: a, Phone: Phones.Normalize(a), TgId: telegram ? TelegramUserId(chat, a) : null)).ToList();
        var phones = wanted.Select(w => w.Phone).OfType<string>().Distinct().ToList();
        var tgIds = wanted.Select(w => w.TgId).OfType<string>().Distinct().ToList();
        var contacts = phones.Count + tgIds.Count == 0
            ? []
            : await (from c in db.ClientContacts
                     join client in db.Clients on c.ClientId equals client.Id
                     where client.MergedIntoId == null
                           && ((c.Kind == ContactKind.Phone && phones.Contains(c.Value)) || (c.Kind == ContactKind.TelegramId && tgIds.Contains(c.Value)))
                     select new { c.Kind, c.Value, c.ClientId }).ToListAsync(ct);
        var names = wanted.Where(w => w.Phone is null).Select(w => Trim(w.Author, 200).ToLower()).Distinct().ToList();
        var byName = names.Count == 0
            ? []
            : await db.Clients.Where(c => c.MergedIntoId == null && names.Contains(c.Name.ToLower())).Select(c => new { c.Id, c.Name }).ToListAsync(ct);

        var result = new List<(string Name, Guid Id)>(wanted.Count);
        foreach (var (author, phone, tgId) in wanted)
        {
            var key = phone ?? (tgId is null ? "name:" + Trim(author, 200).ToLower() : "tg:" + tgId);
            var matched = _created.TryGetValue(key, out var known)
                ? known
                : contacts.FirstOrDefault(c => (phone != null && c.Kind == ContactKind.Phone && c.Value == phone) || (tgId != null && c.Kind == ContactKind.TelegramId && c.Value == tgId))?.ClientId;
            if (matched is null && phone is null)
            {
                var lower = Trim(author, 200).ToLower();
                var same = byName.Where(c => c.Name.ToLower() == lower).Select(c => c.Id).Distinct().ToList();
                if (same.Count == 1)
                {
                    matched = same[0];
                    if (tgId is not null && !await db.ClientContacts.AnyAsync(c => c.Kind == ContactKind.TelegramId && c.Value == tgId, ct))
                    {
                        db.ClientContacts.Add(new ClientContact { ClientId = same[0], Kind = ContactKind.TelegramId, Value = tgId });
                    }
                }
                else if (same.Count > 1)
                {
                    report.Warnings.Add(new(null, $"клиентов с именем «{Trim(author, 200)}» несколько: создан новый, объедините их при необходимости"));
                }
            }

            if (matched is { } id)
            {
                report.ClientsMatched++;
                result.Add((author, id));
                continue;
            }

            var created = CreateClient(author, phone, tgId, telegram);
            _created[key] = created;
            report.ClientsCreated++;
            result.Add((author, created));
        }

        return result;
    }

    private static string? TelegramUserId(ParsedChat chat, string author) =>
        chat.Messages.FirstOrDefault(m => m.Author == author)?.AuthorId is { } raw && raw.StartsWith("user", StringComparison.Ordinal) ? raw[4..] : null;

    private Guid CreateClient(string author, string? phone, string? tgId, bool telegram)
    {
        var client = new Client
        {
            Name = phone is null ? Trim(author, 200) : Phones.Format(phone), Source = telegram ? ClientSource.Telegram : ClientSource.WhatsApp, CreatedAt = now, UpdatedAt = now,
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
        return client.Id;
    }

    private async Task DealAsync(Guid clientId, string title, bool telegram, ParsedChat chat, FileReport report, CancellationToken ct)
    {
        var lines = chat.Messages.Select(m => new ChatLine(who.IsOurs(m.Author), m.Text, m.SentAt)).ToList();
        var kind = StageSuggestion.Suggest(lines, now);
        var stages = lookups.Stages ??= await db.FunnelStages.AsNoTracking().Where(s => !s.IsArchived).OrderBy(s => s.Order).ToListAsync(ct);
        if (stages.Count == 0)
        {
            report.Warnings.Add(new(null, "в воронке нет этапов: сделка не создана"));
            return;
        }

        var stage = stages.FirstOrDefault(s => s.Kind == kind) ?? stages[0];
        // The top of the column is read once per run; later deals go above it (a rolled-back file only leaves a gap).
        if (!lookups.TopSortOrder.TryGetValue(stage.Id, out var top))
        {
            top = await db.Deals.Where(d => d.StageId == stage.Id && d.Status == DealStatus.Open).MinAsync(d => (double?)d.SortOrder, ct) ?? 0;
        }

        lookups.TopSortOrder[stage.Id] = top - 1;
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

    /// <summary>Turns the per-row change feed off, inserts the rows and turns it on again, all in one round trip.</summary>
    private async Task InsertMessagesAsync(List<Message> rows, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('app.bulk', 'on', true)"));
        foreach (var chunk in rows.Chunk(5000))
        {
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO messages (id, org_id, conversation_id, channel_id, direction, author, author_user_id, author_name, text, status, sent_at, created_at, fingerprint, attachments)
                SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                """);
            insert.Parameters.Add(Array(NpgsqlDbType.Uuid, chunk.Select(m => m.Id).ToArray()));
            insert.Parameters.Add(Array(NpgsqlDbType.Uuid, chunk.Select(m => m.OrgId).ToArray()));
            insert.Parameters.Add(Array(NpgsqlDbType.Uuid, chunk.Select(m => m.ConversationId).ToArray()));
            insert.Parameters.Add(Array(NpgsqlDbType.Uuid, chunk.Select(m => m.ChannelId).ToArray()));
            insert.Parameters.Add(Array(NpgsqlDbType.Varchar, chunk.Select(m => m.Direction.ToString()).ToArray()));
            insert.Parameters.Add(Array(NpgsqlDbType.Varchar, chunk.Select(m => m.Author.ToString()).ToArray()));
            insert.Parameters.Add(Array(NpgsqlDbType.Uuid, chunk.Select(m => m.AuthorUserId).ToArray()));
            insert.Parameters.Add(Array(NpgsqlDbType.Varchar, chunk.Select(m => m.AuthorName).ToArray()));
            insert.Parameters.Add(Array(NpgsqlDbType.Text, chunk.Select(m => m.Text).ToArray()));
            insert.Parameters.Add(Array(NpgsqlDbType.Varchar, chunk.Select(m => m.Status.ToString()).ToArray()));
            insert.Parameters.Add(Array(NpgsqlDbType.TimestampTz, chunk.Select(m => m.SentAt.UtcDateTime).ToArray()));
            insert.Parameters.Add(Array(NpgsqlDbType.TimestampTz, chunk.Select(m => m.CreatedAt.UtcDateTime).ToArray()));
            insert.Parameters.Add(Array(NpgsqlDbType.Varchar, chunk.Select(m => m.Fingerprint).ToArray()));
            // Attachment JSON has the CLR property names, as EF writes the complex collection.
            insert.Parameters.Add(Array(NpgsqlDbType.Jsonb, chunk.Select(m => JsonSerializer.Serialize(m.Attachments)).ToArray()));
            batch.BatchCommands.Add(insert);
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('app.bulk', '', true)"));
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlParameter Array<T>(NpgsqlDbType type, T[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | type, Value = values };


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
