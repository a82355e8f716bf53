using System.Globalization;
using System.Text;

namespace SoulKg.Infrastructure.Crm;

/// <summary>A page of a keyset-paged list: pass <see cref="NextCursor"/> back to get the next one.</summary>
public sealed record CursorPage<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>A page of an offset-paged list with its total, for grids.</summary>
public sealed record GridPage<T>(IReadOnlyList<T> Items, int Total);

/// <summary>Opaque cursors over (timestamp, id), the order every list here is kept in.</summary>
public static class Cursor
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static string Encode(DateTimeOffset at, Guid id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{at.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{id:N}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string? cursor, out DateTimeOffset at, out Guid id)
    {
        at = default;
        id = default;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 100)
        {
            return false;
        }

        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split(':');
            if (parts.Length != 2 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out var ticks) || !Guid.TryParseExact(parts[1], "N", out id))
            {
                return false;
            }

            at = new DateTimeOffset(ticks, TimeSpan.Zero);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static int Limit(int? requested) => Math.Clamp(requested ?? DefaultLimit, 1, MaxLimit);

    /// <summary>
    /// Turns the rows of a keyset query that asked for <paramref name="take"/> + 1 rows into a page: the extra row only
    /// says that a next page exists, and the cursor points at the last row kept.
    /// </summary>
    public static CursorPage<TItem> Page<TRow, TItem>(List<TRow> rows, int take, Func<TRow, DateTimeOffset> at, Func<TRow, Guid> id, Func<TRow, TItem> map)
    {
        var next = rows.Count > take ? Encode(at(rows[take - 1]), id(rows[take - 1])) : null;
        return new CursorPage<TItem>(rows.Take(take).Select(map).ToList(), next);
    }
}

/// <summary>The caller's copy is older than the stored row (If-Match did not match): 412.</summary>
public sealed class StaleVersionException(string entity) : Exception($"{entity} was changed by someone else.")
{
    public string Entity { get; } = entity;
}
