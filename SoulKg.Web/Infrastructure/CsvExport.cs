using System.Globalization;
using System.Runtime.CompilerServices;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using SoulKg.Domain;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Web.Infrastructure;

/// <summary>
/// CSV downloads for Excel users: UTF-8 with a BOM (otherwise Excel reads Cyrillic as ANSI), <c>;</c> between fields and
/// decimal commas (what Excel expects in a Russian locale), and rows streamed page by page so a large organisation's
/// export never sits in memory. Text that starts like a formula gets a leading <c>'</c> (CSV injection), which is why
/// phone numbers show as <c>'+996…</c>: Excel would otherwise turn them into numbers or formulas.
/// </summary>
public static class CsvExport
{
    private const int PageSize = Cursor.MaxLimit;
    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        Separator = ';',
        WriteByteOrderMark = true,
        Injection = CsvInjection.Escape,
        FormatProvider = Russian,
    };

    public static PushStreamHttpResult Stream<T>(
        string name, TimeProvider clock, string[] headers, IAsyncEnumerable<T> rows, Func<T, string?[]> fields, CancellationToken ct)
    {
        var fileName = $"{name}-{BishkekTime.ToLocal(clock.GetUtcNow()):yyyy-MM-dd}.csv";
        return TypedResults.Stream(body => WriteAsync(body, headers, rows, fields, ct), "text/csv; charset=utf-8", fileName);
    }

    /// <summary>The same file in memory, for the grids, which hand it to the browser as a download.</summary>
    public static async Task<byte[]> ToBytesAsync<T>(string[] headers, IAsyncEnumerable<T> rows, Func<T, string?[]> fields, CancellationToken ct = default)
    {
        using var body = new MemoryStream();
        await WriteAsync(body, headers, rows, fields, ct);
        return body.ToArray();
    }

    private static async Task WriteAsync<T>(Stream body, string[] headers, IAsyncEnumerable<T> rows, Func<T, string?[]> fields, CancellationToken ct)
    {
        await using var csv = CsvWriter.Create(body, Options, leaveOpen: true);
        csv.WriteHeader(headers);
        await foreach (var row in rows.WithCancellation(ct))
        {
            await csv.WriteRecordAsync(fields(row), ct);
        }

        await csv.FlushAsync(ct);
    }

    /// <summary>Every row of a keyset-paged list, one page at a time.</summary>
    public static async IAsyncEnumerable<T> AllPagesAsync<T>(
        Func<string?, int, CancellationToken, Task<CursorPage<T>>> page, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? cursor = null;
        do
        {
            var current = await page(cursor, PageSize, ct);
            foreach (var item in current.Items)
            {
                yield return item;
            }

            cursor = current.NextCursor;
        }
        while (cursor is not null);
    }

    public static string Date(DateTimeOffset at) => BishkekTime.ToLocal(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string? Number(decimal? value) => value?.ToString("0.##", Russian);

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string YesNo(bool value) => value ? "да" : "нет";

    public static string List<TItem>(IEnumerable<TItem> items) => string.Join(", ", items);
}
