using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Data.Interceptors;

/// <summary>Stamps the current organisation on new tenant-owned rows and refuses rows of another one.</summary>
public sealed class OrgStampInterceptor(OrgContext org) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Stamp(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        foreach (var entry in context.ChangeTracker.Entries<IOrgOwned>())
        {
            if (entry.State == EntityState.Added && entry.Entity.OrgId == Guid.Empty)
            {
                entry.Entity.OrgId = org.RequiredOrgId;
            }
            else if (entry.State is EntityState.Added or EntityState.Modified && org.OrgId is { } current && entry.Entity.OrgId != current)
            {
                throw new InvalidOperationException($"{entry.Metadata.ClrType.Name} belongs to another organisation.");
            }
        }
    }
}
