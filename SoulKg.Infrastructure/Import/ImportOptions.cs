namespace SoulKg.Infrastructure.Import;

/// <summary>Limits of one import, bound from the <c>Import</c> configuration section.</summary>
public sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>One uploaded file, or one chat text inside an archive.</summary>
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>All entries of one archive, uncompressed: a zip bomb stops here.</summary>
    public long MaxArchiveBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>An entry that unpacks to more than this many times its packed size (and over 1 MB) is a zip bomb.</summary>
    public int MaxCompressionRatio { get; set; } = 100;

    public int MaxArchiveEntries { get; set; } = 20_000;

    /// <summary>One media file kept as an attachment; larger ones are listed in the report and not stored.</summary>
    public long MaxAttachmentBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>All media of one chat kept as attachments.</summary>
    public long MaxMediaBytesPerChat { get; set; } = 512L * 1024 * 1024;

    /// <summary>Files in one import (after unpacking archives).</summary>
    public int MaxFiles { get; set; } = 1000;

    /// <summary>Where uploads wait for the worker and media attachments are kept; set from <c>SoulKg:DataPath</c>.</summary>
    public string StoragePath { get; set; } = "";

    /// <summary>The phones' clock: export files carry local time without a zone.</summary>
    public string TimeZone { get; set; } = Domain.BishkekTime.ZoneId;
}
