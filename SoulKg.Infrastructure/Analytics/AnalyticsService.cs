using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Realtime;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Analytics;

/// <summary>
/// The figures of the Аналитика dashboard and of <c>/api/v1/metrics</c>, one method per group. Each group opens one
/// context from the factory, so the connection carries the organisation (RLS) like every other read, and runs a few
/// aggregate queries written in SQL (medians need percentile_cont, which LINQ cannot express). Results are snapshots
/// kept and refreshed in the background by <see cref="AnalyticsCache"/>. The groups live in their own partial files; a new group (agent runs,
/// follow-ups) is a new partial file with its own method. Definitions of every figure: docs/analytics.md.
/// </summary>
public sealed partial class AnalyticsService(IServiceScopeFactory scopes, OrgContext org, ChangeLogService changeLog, AnalyticsCache cache)
{
    private async Task<T> RunAsync<T>(string group, AnalyticsFilter filter, Func<AnalyticsSql, NpgsqlConnection, CancellationToken, Task<T>> query, CancellationToken ct)
        where T : class
    {
        // The version first: a change committed while computing moves it on, so the next request computes again.
        var orgId = org.RequiredOrgId;
        var seq = await changeLog.CurrentSeqAsync(ct);
        return await cache.GetOrComputeAsync(orgId, group, filter, seq, () => ComputeAsync(scopes, orgId, filter, query), ct);
    }

    /// <summary>In a scope of its own: a background recomputation outlives the request or circuit that started it.</summary>
    private static async Task<T> ComputeAsync<T>(
        IServiceScopeFactory scopes, Guid orgId, AnalyticsFilter filter, Func<AnalyticsSql, NpgsqlConnection, CancellationToken, Task<T>> query)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.System, "analytics");
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync();
        db.Database.SetCommandTimeout(AnalyticsSql.CommandTimeoutSeconds);
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
