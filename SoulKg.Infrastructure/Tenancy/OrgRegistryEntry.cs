namespace SoulKg.Infrastructure.Tenancy;

/// <summary>
/// The ids of all organisations, and nothing else: background workers (the outbox dispatcher, the WhatsApp host,
/// retries) go through it one organisation at a time, setting that organisation on their connection like any request.
/// It holds no tenant data, so it needs no row-level security (and has no <c>org_id</c> column).
/// </summary>
public sealed class OrgRegistryEntry
{
    public Guid Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
