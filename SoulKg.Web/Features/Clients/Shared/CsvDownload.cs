using Microsoft.JSInterop;
using SoulKg.Infrastructure.Crm;
using SoulKg.Web.Infrastructure;

namespace SoulKg.Web.Features.Clients.Shared;

/// <summary>
/// A grid's current filter as a CSV download, in the same format as the REST exports (<see cref="CsvExport"/>). The grids
/// make it from the service rather than through the REST export, which needs a bearer token the browser does not have.
/// </summary>
public static class CsvDownload
{
    private const int PageSize = 500;

    public static async Task SaveAsync<T>(IJSRuntime js, string name, string[] headers, Func<int, int, Task<GridPage<T>>> page, Func<T, string?[]> fields)
    {
        var bytes = await CsvExport.ToBytesAsync(headers, AllAsync(page), fields);
        await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./js/download.js");
        await module.InvokeVoidAsync("downloadFile", $"{name}-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv", "text/csv;charset=utf-8", bytes);
    }

    /// <summary>Every row of a grid query, page by page, so a large export never runs one huge query.</summary>
    private static async IAsyncEnumerable<T> AllAsync<T>(Func<int, int, Task<GridPage<T>>> page)
    {
        for (var skip = 0; ; skip += PageSize)
        {
            var items = await page(skip, PageSize);
            foreach (var item in items.Items)
            {
                yield return item;
            }

            if (items.Items.Count < PageSize || skip + PageSize >= items.Total)
            {
                yield break;
            }
        }
    }
}
