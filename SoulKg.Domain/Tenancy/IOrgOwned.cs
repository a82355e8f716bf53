namespace SoulKg.Domain.Tenancy;

/// <summary>
/// A row that belongs to one organisation. EF adds the named query filter "Org" to every such entity
/// and PostgreSQL row-level security refuses rows of any other organisation underneath.
/// </summary>
public interface IOrgOwned
{
    Guid OrgId { get; set; }
}
