using Microsoft.EntityFrameworkCore;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;

namespace SoulKg.Infrastructure.Tenancy;

/// <summary>Gives every new organisation what it starts with: the nine funnel stages and the usual lost reasons.</summary>
public sealed class OrgProvisioner
{
    public async Task ProvisionAsync(SoulKgDbContext db, Organization organization, CancellationToken cancellationToken)
    {
        if (!await db.FunnelStages.AnyAsync(s => s.OrgId == organization.Id, cancellationToken))
        {
            var order = 0;
            foreach (var (kind, name, color) in FunnelStage.Defaults)
            {
                db.FunnelStages.Add(new FunnelStage { OrgId = organization.Id, Kind = kind, Name = name, Color = color, Order = order++ });
            }
        }

        if (!await db.LostReasons.AnyAsync(r => r.OrgId == organization.Id, cancellationToken))
        {
            var order = 0;
            foreach (var name in LostReason.Defaults)
            {
                db.LostReasons.Add(new LostReason { OrgId = organization.Id, Name = name, Order = order++ });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await Agents.AgentConfigService.EnsureDefaultsAsync(db, organization.Id, DateTimeOffset.UtcNow, cancellationToken);
    }
}
