using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SoulKg.Web.Infrastructure;

/// <summary>
/// Optimistic concurrency over HTTP. A single resource carries its row version (PostgreSQL <c>xmin</c>) as
/// <c>ETag: "123"</c>; writes take it back in <c>If-Match</c> and fail with 412 when the row has changed since.
/// Without If-Match a write goes through and the last writer wins: scripts and one-off integrations stay simple,
/// and clients that edit what they showed a person send the header.
/// </summary>
public static class ETags
{
    public const string IfMatchHeader = "If-Match";

    public const string IfMatchDescription =
        "The ETag of the copy being changed, e.g. \"123\". A different current version answers 412; without the header the last writer wins.";

    public static void SetETag(this HttpResponse response, uint version) =>
        response.Headers.ETag = "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>
    /// Reads <c>"123"</c> (also <c>W/"123"</c>: proxies that compress weaken ETags, and our versions are per row, not per
    /// byte) and <c>*</c> (any version). Absent or <c>*</c> gives <see langword="null"/>: no check.
    /// </summary>
    public static bool TryParseIfMatch(string? header, out uint? version)
    {
        version = null;
        var text = header?.Trim();
        if (string.IsNullOrEmpty(text) || text == "*")
        {
            return true;
        }

        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        if (text.Length < 3 || text[0] != '"' || text[^1] != '"'
            || !uint.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        version = parsed;
        return true;
    }

    public static ValidationProblem MalformedIfMatch() =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [IfMatchHeader] = ["Заголовок If-Match должен содержать один ETag из ответа сервера, например \"123\"."] },
            title: "Проверьте поля запроса",
            detail: "If-Match: ожидается один ETag вида \"123\".");
}
