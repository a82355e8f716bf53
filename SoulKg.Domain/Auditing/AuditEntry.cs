using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Auditing;

/// <summary>One create, update or delete, written in the same transaction as the change itself.</summary>
public sealed class AuditEntry : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public ActorType ActorType { get; set; }
    public Guid? ActorId { get; set; }
    public string? ActorName { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    public AuditAction Action { get; set; }

    /// <summary>Changed fields: name → { "old": …, "new": … } as JSON.</summary>
    public string Changes { get; set; } = "{}";
    public DateTimeOffset At { get; set; }
    public string? TraceId { get; set; }
}

public enum AuditAction
{
    Created = 0,
    Updated = 1,
    Deleted = 2,
}

/// <summary>Marks entities whose creates, updates and deletes go to the audit log.</summary>
public interface IAudited;
