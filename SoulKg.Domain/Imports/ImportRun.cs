using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Imports;

public enum ImportStatus
{
    /// <summary>Files uploaded and read; waiting for the admin to confirm who is who.</summary>
    Draft = 0,
    Queued = 1,
    Running = 2,
    Completed = 3,

    /// <summary>Finished, but at least one file was rejected.</summary>
    CompletedWithErrors = 4,
    Failed = 5,
}

public enum ImportOrigin
{
    Upload = 0,
    Api = 1,
    Cli = 2,
}

/// <summary>One import of a batch of files: who started it, how far it got, and its per-file report (JSON).</summary>
public sealed class ImportRun : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public ImportStatus Status { get; set; }
    public ImportOrigin Origin { get; set; }
    public Guid? StartedByUserId { get; set; }
    public string? StartedByName { get; set; }

    /// <summary>The company's own author names and numbers in the chats; the next import suggests them again.</summary>
    public List<string> OurNames { get; set; } = [];

    /// <summary>Messages by our side are stored as outbound messages by this user.</summary>
    public Guid? OurUserId { get; set; }
    public int FilesTotal { get; set; }
    public int FilesDone { get; set; }
    public int FilesFailed { get; set; }
    public int MessagesAdded { get; set; }
    public string Report { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
