using System.IO.Compression;

namespace SoulKg.Infrastructure.Import;

/// <summary>A file as the user gave it: uploaded, or read from a server folder.</summary>
public sealed record SourceFile(string Name, long Size, Func<Stream> Open)
{
    public static SourceFile FromBytes(string name, byte[] content) => new(name, content.Length, () => new MemoryStream(content, writable: false));

    public static SourceFile FromDisk(string path, string? name = null) => new(name ?? Path.GetFileName(path), new FileInfo(path).Length, () => File.OpenRead(path));
}

public enum UnitKind
{
    WhatsApp = 0,
    Telegram = 1,
    Csv = 2,

    /// <summary>Cannot be imported: <see cref="ImportUnit.Error"/> says why.</summary>
    Rejected = 3,
}

/// <summary>One importable thing found among the files: a chat text with its media, a Telegram export, a CSV, or a reject.</summary>
public sealed record ImportUnit(string Name, UnitKind Kind, byte[] Content, string? TitleHint, IReadOnlyDictionary<string, MediaFile> Media, ImportFileException? Error = null)
{
    public static ImportUnit Reject(string name, int? line, string message) => new(name, UnitKind.Rejected, [], null, Empty, new ImportFileException(name, line, message));

    public static IReadOnlyDictionary<string, MediaFile> Empty { get; } = new Dictionary<string, MediaFile>();
}

/// <summary>
/// Finds the chats among uploaded files and archives (a phone's export zip, or a zip of many exports), enforcing the
/// size limits. A zip is checked entry by entry before anything is unpacked: too many entries, too much in total, an
/// entry much larger than its packed size (a zip bomb), or an entry that unpacks to more than it declared, rejects it.
/// </summary>
public static class ImportSources
{
    private const int MaxDepth = 3;
    private const long RatioCheckAbove = 1024 * 1024;
    private static readonly string[] TextExtensions = [".txt", ".json", ".csv"];

    public static List<ImportUnit> Expand(IEnumerable<SourceFile> files, ImportOptions limits)
    {
        var tree = new List<Entry>();
        var units = new List<ImportUnit>();
        foreach (var file in files)
        {
            if (file.Size > limits.MaxFileBytes && !IsZipName(file.Name))
            {
                units.Add(ImportUnit.Reject(file.Name, null, $"Файл больше {Megabytes(limits.MaxFileBytes)} МБ."));
                continue;
            }

            tree.Add(new Entry(file.Name.Replace('\\', '/'), file.Size, file.Open));
        }

        units.AddRange(FromTree(tree, "", limits, 0, TitleOf(tree.Count == 1 ? tree[0].Path : null)));
        if (units.Count > limits.MaxFiles)
        {
            throw new ImportFileException("", null, $"Слишком много файлов за один раз ({units.Count}), не больше {limits.MaxFiles}.");
        }

        return units;
    }

    private sealed record Entry(string Path, long Size, Func<Stream> Open)
    {
        public string Directory => Path.Contains('/') ? Path[..Path.LastIndexOf('/')] : "";
        public string FileName => Path[(Path.LastIndexOf('/') + 1)..];
        public string Extension => System.IO.Path.GetExtension(Path).ToLowerInvariant();
    }

    private static IEnumerable<ImportUnit> FromTree(List<Entry> entries, string prefix, ImportOptions limits, int depth, string? title)
    {
        var units = new List<ImportUnit>();
        var chatDirectories = new HashSet<string>();
        foreach (var entry in entries.Where(e => !IsJunk(e.Path)))
        {
            var display = prefix + entry.Path;
            if (IsZipName(entry.Path) || (!TextExtensions.Contains(entry.Extension) && StartsWithZipMagic(entry)))
            {
                units.AddRange(FromZip(entry, display, limits, depth));
                continue;
            }

            if (!TextExtensions.Contains(entry.Extension))
            {
                if (entries.Count == 1 && depth == 0)
                {
                    units.Add(ImportUnit.Reject(display, null, "Этот тип файла не импортируется: нужен экспорт чата WhatsApp (.txt или .zip), Telegram (result.json) или CSV."));
                }

                continue;
            }

            if (entry.Size > limits.MaxFileBytes)
            {
                units.Add(ImportUnit.Reject(display, null, $"Файл больше {Megabytes(limits.MaxFileBytes)} МБ."));
                continue;
            }

            var content = ReadAll(entry, limits.MaxFileBytes, display);
            var media = MediaNextTo(entries, entry);
            switch (entry.Extension)
            {
                case ".csv":
                    units.Add(new ImportUnit(display, UnitKind.Csv, content, null, ImportUnit.Empty));
                    break;
                case ".json":
                    units.Add(new ImportUnit(display, UnitKind.Telegram, content, null, media));
                    chatDirectories.Add(entry.Directory);
                    break;
                default:
                    var ownTitle = TitleOf(entry.FileName);
                    units.Add(new ImportUnit(display, UnitKind.WhatsApp, content, ownTitle ?? TitleOf(entry.Directory) ?? title, media));
                    chatDirectories.Add(entry.Directory);
                    break;
            }
        }

        return units;
    }

    private static List<ImportUnit> FromZip(Entry zip, string display, ImportOptions limits, int depth)
    {
        if (depth >= MaxDepth)
        {
            return [ImportUnit.Reject(display, null, "Слишком глубоко вложенные архивы.")];
        }

        try
        {
            var bytes = ReadAll(zip, limits.MaxArchiveBytes, display);
            var archive = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            if (archive.Entries.Count > limits.MaxArchiveEntries)
            {
                return [ImportUnit.Reject(display, null, $"В архиве больше {limits.MaxArchiveEntries} файлов.")];
            }

            long total = 0;
            var entries = new List<Entry>();
            foreach (var e in archive.Entries.Where(e => e.FullName.Length > 0 && !e.FullName.EndsWith('/')))
            {
                total += e.Length;
                if (total > limits.MaxArchiveBytes)
                {
                    return [ImportUnit.Reject(display, null, $"Архив распаковывается больше чем в {Megabytes(limits.MaxArchiveBytes)} МБ.")];
                }

                if (e.Length > RatioCheckAbove && e.Length > Math.Max(1, e.CompressedLength) * limits.MaxCompressionRatio)
                {
                    return [ImportUnit.Reject(display, null, $"«{e.FullName}» сжат в {e.Length / Math.Max(1, e.CompressedLength)} раз: это похоже на zip-бомбу, архив отклонён.")];
                }

                var entry = e;
                entries.Add(new Entry(e.FullName.Replace('\\', '/').TrimStart('/'), e.Length, () => new BoundedStream(entry.Open(), entry.Length, display + "/" + entry.FullName)));
            }

            var units = FromTree(entries, display + "/", limits, depth + 1, TitleOf(zip.FileName)).ToList();
            if (units.Count == 0)
            {
                return [ImportUnit.Reject(display, null, "В архиве нет чата: ни .txt экспорта WhatsApp, ни result.json Telegram, ни CSV.")];
            }

            return units;
        }
        catch (InvalidDataException e)
        {
            return [ImportUnit.Reject(display, null, "Архив повреждён или это не zip: " + e.Message)];
        }
        catch (ImportFileException e)
        {
            return [ImportUnit.Reject(e.FileName, e.Line, e.Message)];
        }
    }

    /// <summary>Media of a chat: the other files of its folder (and its subfolders, where Telegram keeps photos), by relative path and by name.</summary>
    private static Dictionary<string, MediaFile> MediaNextTo(List<Entry> entries, Entry chat)
    {
        var media = new Dictionary<string, MediaFile>(StringComparer.OrdinalIgnoreCase);
        var folder = chat.Directory.Length == 0 ? "" : chat.Directory + "/";
        foreach (var e in entries.Where(e => e != chat && e.Path.StartsWith(folder, StringComparison.Ordinal) && !TextExtensions.Contains(e.Extension) && !IsZipName(e.Path) && !IsJunk(e.Path)))
        {
            var relative = e.Path[folder.Length..];
            var file = new MediaFile(e.FileName, e.Size, e.Open);
            media.TryAdd(relative, file);
            media.TryAdd(e.FileName, file);
        }

        return media;
    }

    /// <summary>The chat's name from an export's file name: "WhatsApp Chat with John Miller", "Чат WhatsApp с Айгуль", "WhatsApp Chat - Бакыт".</summary>
    internal static string? TitleOf(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return null;
        }

        var name = Path.GetFileNameWithoutExtension(fileName.Replace('\\', '/').Split('/')[^1]).Trim();
        if (name.StartsWith('_') || name.Equals("result", StringComparison.OrdinalIgnoreCase) || name.Length == 0)
        {
            return null;
        }

        if (!name.Contains("whatsapp", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (var word in TitleWords)
        {
            name = System.Text.RegularExpressions.Regex.Replace(name, $@"(?i)(^|\s){System.Text.RegularExpressions.Regex.Escape(word)}(?=\s|$)", " ");
        }

        name = name.Trim(' ', '-', '–', '_', ':');
        return name.Length == 0 ? null : name;
    }

    private static readonly string[] TitleWords =
    [
        "WhatsApp", "Chat", "with", "Чат", "с", "со", "менен", "чаты", "mit", "Sohbeti", "ile", "avec", "Discussion", "con", "Conversa", "Conversación", "Chat-",
        "WhatsApp-Chat", "-",
    ];

    private static byte[] ReadAll(Entry entry, long limit, string display)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                throw new ImportFileException(display, null, $"Файл больше {Megabytes(limit)} МБ.");
            }
        }

        return buffer.ToArray();
    }

    private static bool StartsWithZipMagic(Entry entry)
    {
        if (entry.Size < 4)
        {
            return false;
        }

        using var stream = entry.Open();
        Span<byte> head = stackalloc byte[4];
        return stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    private static bool IsZipName(string path) => path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);

    private static bool IsJunk(string path) => path.StartsWith("__MACOSX/", StringComparison.Ordinal) || path.Split('/')[^1].StartsWith("._", StringComparison.Ordinal) || path.EndsWith(".DS_Store", StringComparison.Ordinal);

    private static long Megabytes(long bytes) => bytes / 1024 / 1024;

    /// <summary>An archive entry that unpacks to more than it declared is lying about its size (a crafted zip bomb).</summary>
    private sealed class BoundedStream(Stream inner, long declared, string name) : Stream
    {
        private long _read;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            _read += n;
            if (_read > declared)
            {
                throw new ImportFileException(name, null, "Файл в архиве распаковывается больше заявленного размера: архив отклонён.");
            }

            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => declared;
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
