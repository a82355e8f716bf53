using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.FollowUps;

/// <summary>Runs a unit of work once per organisation, each in its own DI scope with that organisation set (RLS).</summary>
internal static class OrgScopes
{
    public static async Task ForEachOrgAsync(IServiceScopeFactory scopes, string actorName, Func<IServiceProvider, Guid, Task> work, CancellationToken ct)
    {
        List<Guid> orgs;
        await using (var scope = scopes.CreateAsyncScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(ct);
            orgs = await db.OrgRegistry.Select(o => o.Id).ToListAsync(ct);
        }

        foreach (var orgId in orgs)
        {
            await using var scope = For(scopes, orgId, actorName);
            await work(scope.ServiceProvider, orgId);
        }
    }

    public static AsyncServiceScope For(IServiceScopeFactory scopes, Guid orgId, string actorName)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId, ActorType.System, actorName);
        return scope;
    }
}
