using System.Text.Json;
using System.Text.Json.Serialization;

namespace SoulKg.Infrastructure.Import;

public static class FileStatus
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Imported = "imported";
    public const string Failed = "failed";
}

/// <summary>What happened to one file: what it was, what it added, and what was wrong with it (with line numbers).</summary>
public sealed class FileReport
{
    public required string File { get; set; }
    public string Format { get; set; } = ImportFormats.Unknown;
    public string Status { get; set; } = FileStatus.Pending;
    public string? Chat { get; set; }
    public bool IsGroup { get; set; }

    /// <summary>Messages (or CSV rows) read from the file.</summary>
    public int Messages { get; set; }
    public int MessagesAdded { get; set; }

    /// <summary>Messages already stored by an earlier import of the same chat.</summary>
    public int Duplicates { get; set; }
    public int SystemLines { get; set; }
    public int DeletedMessages { get; set; }
    public List<string> Participants { get; set; } = [];
    public int ClientsCreated { get; set; }
    public int ClientsMatched { get; set; }
    public int ConversationsCreated { get; set; }
    public int ConversationsUpdated { get; set; }
    public int DealsCreated { get; set; }
    public int Attachments { get; set; }
    public Guid? ClientId { get; set; }
    public Guid? ConversationId { get; set; }
    public string? SuggestedStage { get; set; }
    public List<ImportIssue> Warnings { get; set; } = [];
    public List<ImportIssue> Errors { get; set; } = [];
}

/// <summary>The report of a whole import, as stored in <c>imports.report</c> and returned by the API.</summary>
public sealed class ImportReport
{
    public List<FileReport> Files { get; set; } = [];

    /// <summary>How each CSV file's columns map to client fields (chosen by the admin, or guessed).</summary>
    public Dictionary<string, Dictionary<CsvField, string>> CsvMappings { get; set; } = [];

    /// <summary>Which of our authors is which user (author → user id); the next import of the organisation suggests it again.</summary>
    public Dictionary<string, Guid> OurPeople { get; set; } = [];

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static ImportReport Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) || json == "{}" ? new ImportReport() : JsonSerializer.Deserialize<ImportReport>(json, Json) ?? new ImportReport();
}
