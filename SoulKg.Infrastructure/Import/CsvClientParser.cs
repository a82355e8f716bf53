using System.Globalization;
using CsvHelper;
using SoulKg.Domain;

namespace SoulKg.Infrastructure.Import;

/// <summary>The client fields a CSV column can be mapped to.</summary>
public enum CsvField
{
    Name = 0,
    Phone = 1,
    Email = 2,
    Tags = 3,
    Notes = 4,
    Stage = 5,
    Responsible = 6,
    Source = 7,
    Language = 8,
}

/// <summary>A CSV file as read: its separator and encoding, the header and the rows (row = line number, the header being 1).</summary>
public sealed record CsvTable(string FileName, string Delimiter, string Encoding, IReadOnlyList<string> Headers, IReadOnlyList<CsvRow> Rows);

public sealed record CsvRow(int Row, IReadOnlyList<string> Cells);

/// <summary>Which column (by header text) feeds each field; unmapped fields are absent.</summary>
public sealed record CsvMapping(IReadOnlyDictionary<CsvField, string> Columns)
{
    public static IReadOnlyList<CsvField> Required { get; } = [CsvField.Name, CsvField.Phone];
}

public sealed record CsvClient(int Row, string Name, IReadOnlyList<string> Phones, string? Email, IReadOnlyList<string> Tags, string? Notes,
    string? Stage, string? Responsible, string? Source, string? Language);

/// <summary>
/// Client lists from Excel or another CRM: <c>;</c>, <c>,</c> or tab separated; UTF-8 with or without BOM, or
/// Windows-1251 (Excel's "CSV" on a Russian Windows). Phones are read as Kyrgyz numbers unless they carry a country code.
/// </summary>
public static class CsvClientParser
{
    public const int MaxRows = 100_000;

    private static readonly Dictionary<CsvField, string[]> Synonyms = new()
    {
        [CsvField.Name] = ["name", "имя", "фио", "клиент", "full name", "fullname", "аты", "аты-жөнү", "contact", "контакт", "name surname"],
        [CsvField.Phone] = ["phone", "телефон", "тел", "номер", "mobile", "мобильный", "whatsapp", "phone number", "номер телефона"],
        [CsvField.Email] = ["email", "e-mail", "почта", "электронная почта", "mail"],
        [CsvField.Tags] = ["tags", "теги", "метки", "tag", "тег"],
        [CsvField.Notes] = ["notes", "заметки", "примечание", "комментарий", "note", "comment", "comments", "описание"],
        [CsvField.Stage] = ["stage", "этап", "стадия", "статус", "status"],
        [CsvField.Responsible] = ["responsible", "ответственный", "менеджер", "manager", "owner"],
        [CsvField.Source] = ["source", "источник", "канал"],
        [CsvField.Language] = ["language", "язык", "lang"],
    };

    public static CsvTable Read(string fileName, byte[] bytes)
    {
        var text = TextDecoding.Decode(fileName, bytes, allowWindows1251: true);
        var encoding = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? "UTF-8 (BOM)" : IsUtf8(bytes) ? "UTF-8" : "Windows-1251";
        var firstLine = text[..(text.IndexOfAny(['\r', '\n']) is var nl and >= 0 ? nl : text.Length)];
        var delimiter = new[] { ";", ",", "\t" }.OrderByDescending(d => firstLine.Count(c => c == d[0])).First();
        if (!firstLine.Contains(delimiter[0]))
        {
            throw new ImportFileException(fileName, 1, "В первой строке нет разделителей (; , или табуляция): это не таблица CSV с заголовком.");
        }

        var options = CsvReaderOptions.Default with
        {
            Separator = delimiter[0],
            HasHeader = true,
            TrackLineNumbers = true,
            TrimWhitespace = true,
            SkipEmptyLines = true,
        };
        var rows = new List<CsvRow>();
        List<string> headers;
        using var csv = CsvReader.FromText(text, options);
        try
        {
            headers = csv.Headers.Select(h => h.Trim()).ToList();
            while (csv.Read())
            {
                var cells = new string[csv.FieldCount];
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = csv.GetString(i);
                }

                if (cells.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                if (rows.Count >= MaxRows)
                {
                    throw new ImportFileException(fileName, (int)csv.LineNumber, $"Больше {MaxRows} строк: разбейте файл на части.");
                }

                rows.Add(new CsvRow((int)csv.LineNumber, cells));
            }
        }
        catch (CsvFormatException e)
        {
            throw new ImportFileException(fileName, null, "Файл не читается как CSV: " + e.Message.Split('\n')[0]);
        }

        return new CsvTable(fileName, delimiter == "\t" ? "tab" : delimiter, encoding, headers, rows);
    }

    /// <summary>A mapping guessed from the header names (Russian, English, Kyrgyz).</summary>
    public static CsvMapping SuggestMapping(IReadOnlyList<string> headers)
    {
        var columns = new Dictionary<CsvField, string>();
        foreach (var (field, names) in Synonyms)
        {
            if (headers.FirstOrDefault(h => names.Contains(h.Trim().ToLowerInvariant())) is { } exact)
            {
                columns[field] = exact;
            }
        }

        return new CsvMapping(columns);
    }

    /// <summary>The rows as clients; any row that cannot be read rejects the whole file, naming its row.</summary>
    public static (List<CsvClient> Clients, List<ImportIssue> Warnings) Map(CsvTable table, CsvMapping mapping)
    {
        var missing = CsvMapping.Required.Where(f => !mapping.Columns.ContainsKey(f)).ToList();
        if (missing.Count > 0)
        {
            throw new ImportFileException(table.FileName, 1,
                $"Нет обязательной колонки: {string.Join(", ", missing.Select(FieldTitle))}. Колонки файла: {string.Join(", ", table.Headers)}.");
        }

        var index = new Dictionary<CsvField, int>();
        foreach (var (field, column) in mapping.Columns)
        {
            var i = table.Headers.ToList().FindIndex(h => string.Equals(h, column, StringComparison.OrdinalIgnoreCase));
            if (i < 0)
            {
                throw new ImportFileException(table.FileName, 1, $"Колонки «{column}» нет в файле (поле «{FieldTitle(field)}»).");
            }

            index[field] = i;
        }

        var clients = new List<CsvClient>();
        var warnings = new List<ImportIssue>();
        foreach (var row in table.Rows)
        {
            string? Cell(CsvField field) => index.TryGetValue(field, out var i) && i < row.Cells.Count && row.Cells[i].Trim() is { Length: > 0 } v ? v : null;

            var phones = new List<string>();
            if (Cell(CsvField.Phone) is { } phoneCell)
            {
                foreach (var part in phoneCell.Split([',', ';', '/'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!Phones.TryNormalize(part, out var e164))
                    {
                        throw new ImportFileException(table.FileName, row.Row, $"Неверный номер телефона «{part}».");
                    }

                    phones.Add(e164);
                }
            }

            var name = Cell(CsvField.Name) ?? (phones.Count > 0 ? Phones.Format(phones[0]) : null)
                ?? throw new ImportFileException(table.FileName, row.Row, "Нет ни имени, ни телефона.");
            if (name.Length > 200)
            {
                throw new ImportFileException(table.FileName, row.Row, "Имя длиннее 200 символов.");
            }

            var email = Cell(CsvField.Email);
            if (email is not null && (email.Length > 256 || !System.Net.Mail.MailAddress.TryCreate(email, out _)))
            {
                warnings.Add(new(row.Row, $"e-mail «{email}» не похож на адрес и пропущен"));
                email = null;
            }

            var tags = (Cell(CsvField.Tags) ?? "").Split([',', ';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(t => t.Length <= 50).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            clients.Add(new CsvClient(row.Row, name, phones.Distinct().ToList(), email, tags, Cell(CsvField.Notes), Cell(CsvField.Stage),
                Cell(CsvField.Responsible), Cell(CsvField.Source), Cell(CsvField.Language)));
        }

        if (clients.Count == 0)
        {
            throw new ImportFileException(table.FileName, null, "В файле нет ни одной строки с клиентом.");
        }

        return (clients, warnings);
    }

    public static string FieldTitle(CsvField field) => field switch
    {
        CsvField.Name => "имя",
        CsvField.Phone => "телефон",
        CsvField.Email => "e-mail",
        CsvField.Tags => "теги",
        CsvField.Notes => "заметки",
        CsvField.Stage => "этап",
        CsvField.Responsible => "ответственный",
        CsvField.Source => "источник",
        _ => "язык",
    };

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            _ = new System.Text.UTF8Encoding(false, true).GetString(bytes);
            return true;
        }
        catch (System.Text.DecoderFallbackException)
        {
            return false;
        }
    }
}
