using Microsoft.EntityFrameworkCore;
using Npgsql;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Realtime;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Analytics;

/// <summary>
/// The figures of the Аналитика dashboard and of <c>/api/v1/metrics</c>, one method per group. Each group opens one
/// context from the factory, so the connection carries the organisation (RLS) like every other read, and runs a few
/// aggregate queries written in SQL (medians need percentile_cont, which LINQ cannot express). Results are kept per
/// data version in <see cref="AnalyticsCache"/>. The groups live in their own partial files; a new group (agent runs,
/// follow-ups) is a new partial file with its own method. Definitions of every figure: docs/analytics.md.
/// </summary>
public sealed partial class AnalyticsService(IDbContextFactory<SoulKgDbContext> factory, OrgContext org, ChangeLogService changeLog, AnalyticsCache cache)
{
    /// <summary>Aggregates over a large organisation may take longer than EF's 30 s default on a busy server.</summary>
    private const int CommandTimeoutSeconds = 120;

    private async Task<T> RunAsync<T>(string group, AnalyticsFilter filter, Func<AnalyticsSql, NpgsqlConnection, CancellationToken, Task<T>> query, CancellationToken ct)
        where T : class
    {
        // The version first: a change committed while computing moves it on, so the next request computes again.
        var seq = await changeLog.CurrentSeqAsync(ct);
        return await cache.GetOrComputeAsync(org.RequiredOrgId, group, filter, seq, () => ComputeAsync(filter, query), ct);
    }

    private async Task<T> ComputeAsync<T>(AnalyticsFilter filter, Func<AnalyticsSql, NpgsqlConnection, CancellationToken, Task<T>> query)
    {
        await using var db = await factory.CreateDbContextAsync();
        db.Database.SetCommandTimeout(CommandTimeoutSeconds);
        await db.Database.OpenConnectionAsync();
        try
        {
            // One snapshot for all the queries of a group, so its figures add up even while data changes.
            await using var tx = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
            var result = await query(new AnalyticsSql(filter), (NpgsqlConnection)db.Database.GetDbConnection(), CancellationToken.None);
            await tx.CommitAsync();
            return result;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
