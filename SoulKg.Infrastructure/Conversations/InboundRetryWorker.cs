using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Conversations;

/// <summary>
/// Retries inbound envelopes that failed, or that a crash left unprocessed, one organisation at a time. An envelope
/// that keeps failing stays Failed with its error for an admin to see; nothing is dropped.
/// </summary>
public sealed class InboundRetryWorker(IServiceScopeFactory scopes, InboundPipeline pipeline, TimeProvider clock, ILogger<InboundRetryWorker> logger) : BackgroundService
{
    public const int MaxAttempts = 10;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RetryAllAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Inbound retry pass failed");
            }
        }
    }

    public async Task<int> RetryAllAsync(CancellationToken ct)
    {
        var retried = 0;
        List<Guid> orgs;
        await using (var scope = scopes.CreateAsyncScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
            orgs = await db.OrgRegistry.Select(o => o.Id).ToListAsync(ct);
        }

        foreach (var orgId in orgs)
        {
            List<Guid> due;
            await using (var scope = scopes.CreateAsyncScope())
            {
                scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.System, "inbound-retry");
                await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
                var stale = clock.GetUtcNow().AddSeconds(-30);
                due = await db.InboundEnvelopes
                    .Where(e => e.Attempts < MaxAttempts && (e.Status == InboundStatus.Failed || (e.Status == InboundStatus.Pending && e.ReceivedAt < stale)))
                    .OrderBy(e => e.ReceivedAt).Select(e => e.Id).Take(100).ToListAsync(ct);
            }

            foreach (var envelope in due)
            {
                await pipeline.ProcessAsync(orgId, envelope, ct);
                retried++;
            }
        }

        return retried;
    }
}
