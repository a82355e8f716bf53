using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SoulKg.Infrastructure.Import;

/// <summary>
/// Reads Telegram Desktop's JSON export (<c>result.json</c>): one chat (the chat object at the root) or the whole
/// account (<c>chats.list</c>). Service entries (calls, joins, pins) are counted, not stored.
/// </summary>
public static class TelegramParser
{
    public static bool LooksLikeExport(string text)
    {
        var head = text.AsSpan(0, Math.Min(text.Length, 4096)).TrimStart();
        return head.StartsWith("{") && (head.Contains("\"messages\"", StringComparison.Ordinal) || head.Contains("\"chats\"", StringComparison.Ordinal)
            || head.Contains("\"personal_information\"", StringComparison.Ordinal) || head.Contains("\"about\"", StringComparison.Ordinal));
    }

    public static IReadOnlyList<ParsedChat> Parse(string fileName, string text, TimeZoneInfo zone, IReadOnlyDictionary<string, MediaFile>? media = null)
    {
        media ??= new Dictionary<string, MediaFile>(StringComparer.OrdinalIgnoreCase);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new ImportFileException(fileName, (int?)(e.LineNumber + 1), "Файл не читается как JSON экспорта Telegram: " + e.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ImportFileException(fileName, 1, "Не похоже на экспорт Telegram: ожидался объект с чатами.");
            }

            var chats = new List<ParsedChat>();
            if (root.TryGetProperty("messages", out _))
            {
                chats.Add(ParseChat(fileName, root, zone, media));
            }
            else if (root.TryGetProperty("chats", out var all) && all.TryGetProperty("list", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var chat in list.EnumerateArray())
                {
                    var type = String(chat, "type");
                    if (type is "saved_messages" or "bot_chat" or "public_channel" or "private_channel")
                    {
                        continue;
                    }

                    chats.Add(ParseChat(fileName, chat, zone, media));
                }
            }
            else
            {
                throw new ImportFileException(fileName, 1, "Не похоже на экспорт Telegram: нет ни «messages», ни «chats.list».");
            }

            if (chats.Count == 0)
            {
                throw new ImportFileException(fileName, null, "В экспорте Telegram нет личных чатов или групп.");
            }

            return chats;
        }
    }

    private static ParsedChat ParseChat(string fileName, JsonElement chat, TimeZoneInfo zone, IReadOnlyDictionary<string, MediaFile> media)
    {
        var type = String(chat, "type") ?? "personal_chat";
        var messages = new List<ParsedMessage>();
        var warnings = new List<ImportIssue>();
        var system = 0;
        var index = 0;
        if (!chat.TryGetProperty("messages", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new ImportFileException(fileName, null, $"Чат «{String(chat, "name")}»: нет списка сообщений.");
        }

        foreach (var m in list.EnumerateArray())
        {
            index++;
            if (String(m, "type") != "message")
            {
                system++;
                continue;
            }

            if (SentAt(m, zone) is not { } sentAt)
            {
                warnings.Add(new(index, "сообщение без даты пропущено"));
                continue;
            }

            var attachments = new List<string>();
            foreach (var key in (string[])["photo", "file"])
            {
                if (String(m, key) is { Length: > 0 } path && !path.StartsWith('('))
                {
                    attachments.Add(path.Replace('\\', '/'));
                }
            }

            var text = Text(m);
            var omitted = attachments.Count == 0 && text.Length == 0 && (m.TryGetProperty("media_type", out _) || m.TryGetProperty("photo", out _) || m.TryGetProperty("file", out _));
            if (text.Length == 0 && attachments.Count == 0 && !omitted)
            {
                continue;
            }

            messages.Add(new ParsedMessage
            {
                Line = index,
                SentAt = sentAt,
                Author = String(m, "from") ?? String(m, "from_id"),
                AuthorId = String(m, "from_id"),
                Text = text,
                Attachments = attachments,
                MediaOmitted = omitted,
                Edited = m.TryGetProperty("edited", out _),
                ExternalId = m.TryGetProperty("id", out var messageId) ? messageId.ToString() : null,
            });
        }

        var id = chat.TryGetProperty("id", out var chatId) ? chatId.ToString() : null;
        return new ParsedChat
        {
            FileName = fileName,
            Format = ImportFormats.Telegram,
            Title = String(chat, "name"),
            ExternalId = id,
            IsGroup = type.Contains("group", StringComparison.Ordinal),
            Messages = messages,
            SystemLines = system,
            Warnings = warnings,
            Media = media,
        };
    }

    private static DateTimeOffset? SentAt(JsonElement m, TimeZoneInfo zone)
    {
        if (String(m, "date_unixtime") is { } unix && long.TryParse(unix, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        // Older exports have only the exporting computer's local time.
        return String(m, "date") is { } date && DateTime.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? WhatsAppParser.InZone(local, zone)
            : null;
    }

    /// <summary>"text" is a string, or an array of strings and {type, text} pieces (links, bold…).</summary>
    private static string Text(JsonElement m)
    {
        if (!m.TryGetProperty("text", out var text))
        {
            return "";
        }

        if (text.ValueKind == JsonValueKind.String)
        {
            return text.GetString()!.Trim();
        }

        var sb = new StringBuilder();
        if (text.ValueKind == JsonValueKind.Array)
        {
            foreach (var piece in text.EnumerateArray())
            {
                sb.Append(piece.ValueKind == JsonValueKind.String ? piece.GetString() : String(piece, "text"));
            }
        }

        return sb.ToString().Trim();
    }

    private static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.ToString(),
                _ => null,
            }
            : null;
}
