using Microsoft.EntityFrameworkCore;
using Npgsql;
using SoulKg.Infrastructure.Data;

namespace SoulKg.Infrastructure.Analytics;

/// <summary>
/// The figures of the Аналитика dashboard and of <c>/api/v1/metrics</c>, one method per group. Each method opens one
/// context from the factory, so the connection carries the organisation (RLS) like every other read, and runs a few
/// aggregate queries written in SQL (medians need percentile_cont, which LINQ cannot express). The groups live in
/// their own partial files; a new group (agent runs, follow-ups) is a new partial file with its own method.
/// Definitions of every figure: docs/analytics.md.
/// </summary>
public sealed partial class AnalyticsService(IDbContextFactory<SoulKgDbContext> factory)
{
    private async Task<T> RunAsync<T>(AnalyticsFilter filter, Func<AnalyticsSql, NpgsqlConnection, Task<T>> query, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // One snapshot for all the queries of a group, so its figures add up even while data changes.
            await using var tx = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            var result = await query(new AnalyticsSql(filter), (NpgsqlConnection)db.Database.GetDbConnection());
            await tx.CommitAsync(ct);
            return result;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
