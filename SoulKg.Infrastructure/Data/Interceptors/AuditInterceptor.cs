using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SoulKg.Domain.Auditing;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Data.Interceptors;

/// <summary>
/// Writes an <see cref="AuditEntry"/> for every create, update and delete of an <see cref="IAudited"/> entity,
/// inside the same SaveChanges, so the change and its record commit or fail together.
/// </summary>
public sealed class AuditInterceptor(OrgContext org, TimeProvider clock) : SaveChangesInterceptor
{
    // Enums by name: the log must stay readable ("Role": "Admin", not 1) and survive reordering of enum members.
    private static readonly JsonSerializerOptions ChangesJson = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        AddEntries(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        AddEntries(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void AddEntries(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var traceId = Activity.Current?.TraceId.ToString();
        var entries = context.ChangeTracker.Entries()
            .Where(e => e.Entity is IAudited && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .ToList();

        foreach (var entry in entries)
        {
            var changes = Describe(entry);
            if (entry.State == EntityState.Modified && changes.Count == 0)
            {
                continue;
            }

            var orgId = entry.Entity is IOrgOwned owned && owned.OrgId != Guid.Empty ? owned.OrgId : org.RequiredOrgId;
            context.Add(new AuditEntry
            {
                OrgId = orgId,
                ActorType = org.ActorType,
                ActorId = org.UserId,
                ActorName = org.ActorName,
                EntityType = entry.Metadata.ClrType.Name,
                EntityId = string.Join(",", entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue)),
                Action = entry.State switch
                {
                    EntityState.Added => AuditAction.Created,
                    EntityState.Deleted => AuditAction.Deleted,
                    _ => AuditAction.Updated,
                },
                Changes = JsonSerializer.Serialize(changes, ChangesJson),
                At = now,
                TraceId = traceId,
            });
        }
    }

    private static Dictionary<string, object?> Describe(EntityEntry entry)
    {
        var changes = new Dictionary<string, object?>();
        foreach (var property in entry.Properties)
        {
            var name = property.Metadata.Name;
            if (name is "OrgId" or "Version" || property.Metadata.IsShadowProperty() && property.Metadata.IsConcurrencyToken)
            {
                continue;
            }

            switch (entry.State)
            {
                case EntityState.Added when property.CurrentValue is not null:
                    changes[name] = new { @new = property.CurrentValue };
                    break;
                case EntityState.Deleted:
                    changes[name] = new { old = property.OriginalValue };
                    break;
                case EntityState.Modified when property.IsModified && !Equals(property.OriginalValue, property.CurrentValue):
                    changes[name] = new { old = property.OriginalValue, @new = property.CurrentValue };
                    break;
            }
        }

        return changes;
    }
}
