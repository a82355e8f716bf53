namespace SoulKg.Domain.Tenancy;

/// <summary>A user's place in an organisation: the role they have there and whether they may still sign in.</summary>
public sealed class Membership : IOrgOwned, Auditing.IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid UserId { get; set; }
    public OrgRole Role { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeactivatedAt { get; set; }
}
