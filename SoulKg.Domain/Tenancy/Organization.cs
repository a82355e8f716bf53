namespace SoulKg.Domain.Tenancy;

public sealed class Organization : Auditing.IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string TimeZone { get; set; } = "Asia/Bishkek";
    public string DefaultCurrency { get; set; } = Money.Kgs;
    public DateTimeOffset CreatedAt { get; set; }
}
