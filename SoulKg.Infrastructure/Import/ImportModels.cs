namespace SoulKg.Infrastructure.Import;

/// <summary>What a file turned out to be.</summary>
public static class ImportFormats
{
    public const string WhatsAppAndroid = "whatsapp-android";
    public const string WhatsAppIos = "whatsapp-ios";
    public const string Telegram = "telegram";
    public const string Csv = "csv";
    public const string Unknown = "unknown";
}

/// <summary>A problem in an input file, with the 1-based line (or CSV row) it is on when there is one.</summary>
public sealed record ImportIssue(int? Line, string Message)
{
    public override string ToString() => Line is { } line ? $"строка {line}: {Message}" : Message;
}

/// <summary>The file cannot be imported at all: nothing from it is stored.</summary>
public sealed class ImportFileException(string fileName, int? line, string message) : Exception(message)
{
    public string FileName { get; } = fileName;
    public int? Line { get; } = line;

    public ImportIssue Issue => new(Line, Message);
}

/// <summary>One message as an export file has it, before we know who is who.</summary>
public sealed record ParsedMessage
{
    /// <summary>The line (WhatsApp) or message index (Telegram) it starts on.</summary>
    public int Line { get; init; }
    public DateTimeOffset SentAt { get; init; }
    public string? Author { get; init; }

    /// <summary>The author's stable id when the export has one (a Telegram <c>user123</c>).</summary>
    public string? AuthorId { get; init; }
    public string Text { get; set; } = "";

    /// <summary>File names of the media the message carried (found in the archive or not).</summary>
    public List<string> Attachments { get; init; } = [];
    public bool MediaOmitted { get; init; }
    public bool Edited { get; init; }

    /// <summary>The export's own id of the message, when it has one (Telegram).</summary>
    public string? ExternalId { get; init; }
}

/// <summary>One chat read from an export, with the lines it could not read as warnings.</summary>
public sealed record ParsedChat
{
    public required string FileName { get; init; }
    public required string Format { get; init; }
    public string? Title { get; init; }

    /// <summary>The messenger's id of the chat when the export has one (Telegram).</summary>
    public string? ExternalId { get; init; }
    /// <summary>The export says so (group events, a Telegram group); more than one client author makes a group too (decided on writing).</summary>
    public bool IsGroup { get; init; }
    public List<ParsedMessage> Messages { get; init; } = [];

    /// <summary>System lines (encryption notice, "added", "left"…): counted, not stored as messages.</summary>
    public int SystemLines { get; init; }
    public int DeletedMessages { get; init; }
    public List<ImportIssue> Warnings { get; init; } = [];

    /// <summary>Media that came with the chat (zip entries), by file name.</summary>
    public IReadOnlyDictionary<string, MediaFile> Media { get; init; } = new Dictionary<string, MediaFile>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Authors other than system lines, in order of first appearance.</summary>
    public IReadOnlyList<string> Authors => Messages.Select(m => m.Author).OfType<string>().Distinct().ToList();
}

/// <summary>A media file from an archive, read lazily (it is copied to storage only when its chat is stored).</summary>
public sealed record MediaFile(string Name, long Size, Func<Stream> Open);
