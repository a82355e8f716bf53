using System.IO.Compression;
using System.Text;
using SoulKg.Domain;
using SoulKg.Infrastructure.Import;

namespace SoulKg.Tests.Import;

/// <summary>Fixture files copied from shared/fixtures, and small builders for synthetic exports.</summary>
internal static class ImportTestFiles
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Import", "Fixtures");

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    public static SourceFile Fixture(string name, string? as_ = null) => SourceFile.FromBytes(as_ ?? name, Bytes(name));

    public static SourceFile Text(string name, string text, bool bom = false) =>
        SourceFile.FromBytes(name, (bom ? [0xEF, 0xBB, 0xBF] : Array.Empty<byte>()).Concat(Encoding.UTF8.GetBytes(text)).ToArray());

    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }

    public static ParsedChat ParseWhatsApp(string text, string? title = "Test", IReadOnlyDictionary<string, MediaFile>? media = null) =>
        WhatsAppParser.Parse("chat.txt", text, title, BishkekTime.Zone, media);

    public static DateTimeOffset Bishkek(int year, int month, int day, int hour, int minute, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.FromHours(6));
}
