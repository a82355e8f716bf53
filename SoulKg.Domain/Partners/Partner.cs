using SoulKg.Domain.Auditing;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Partners;

public enum PartnerType
{
    Guide = 0,
    Accommodation = 1,
    Transport = 2,
    Agency = 3,
    Other = 4,
}

/// <summary>A guide, yurt camp or hotel, driver or agency the organisation hands clients to.</summary>
public sealed class Partner : IOrgOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public PartnerType Type { get; set; }
    public required string Name { get; set; }
    public string? ContactPerson { get; set; }

    /// <summary>E.164.</summary>
    public string? WhatsAppPhone { get; set; }
    public List<string> Regions { get; set; } = [];
    public List<string> Languages { get; set; } = [];
    public string? Rates { get; set; }
    public string? Notes { get; set; }

    /// <summary>0–5.</summary>
    public decimal? Rating { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public uint Version { get; set; }
}

/// <summary>A partner assigned to a deal (the handoff workflow builds on it).</summary>
public sealed class DealPartner : IOrgOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid DealId { get; set; }
    public Guid PartnerId { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset AssignedAt { get; set; }
}
