using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SoulKg.Domain.Imports;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Import;

/// <summary>Imports waiting for the worker of this instance.</summary>
public sealed class ImportQueue
{
    private readonly Channel<(Guid OrgId, Guid RunId)> _channel = Channel.CreateUnbounded<(Guid, Guid)>();

    public void Enqueue(Guid orgId, Guid runId) => _channel.Writer.TryWrite((orgId, runId));

    internal ChannelReader<(Guid OrgId, Guid RunId)> Reader => _channel.Reader;
}

/// <summary>
/// Runs queued imports one at a time, so the admin can leave the page. At start it picks up the runs that a restart
/// interrupted (queued, or running when the process stopped): a file's transaction either committed or left nothing,
/// and the fingerprints make the files that did commit add nothing the second time.
/// </summary>
public sealed class ImportWorker(ImportQueue queue, ImportRunner runner, IServiceScopeFactory scopes, ILogger<ImportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RecoverAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not look for interrupted imports");
        }

        await foreach (var (orgId, runId) in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await runner.RunAsync(orgId, runId, null, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Import {RunId} failed", runId);
            }
        }
    }

    private async Task RecoverAsync(CancellationToken ct)
    {
        List<Guid> orgs;
        await using (var scope = scopes.CreateAsyncScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
            orgs = await db.OrgRegistry.Select(o => o.Id).ToListAsync(ct);
        }

        foreach (var orgId in orgs)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, Domain.Tenancy.ActorType.Import, "import-recovery");
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
            var pending = await db.Set<ImportRun>().Where(r => r.Status == ImportStatus.Queued || (r.Status == ImportStatus.Running && r.Origin == ImportOrigin.Upload))
                .OrderBy(r => r.CreatedAt).Select(r => r.Id).ToListAsync(ct);
            foreach (var runId in pending)
            {
                queue.Enqueue(orgId, runId);
            }
        }
    }
}
