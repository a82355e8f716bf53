using SoulKg.Domain.Auditing;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Clients;

public enum ClientSource
{
    Other = 0,
    WhatsApp = 1,
    Instagram = 2,
    Telegram = 3,
    Referral = 4,
    Import = 5,
    Site = 6,
    Phone = 7,
    Partner = 8,
}

/// <summary>A lead or customer of the organisation.</summary>
public sealed class Client : IOrgOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public required string Name { get; set; }
    public string? Email { get; set; }
    public string? Telegram { get; set; }
    public string Language { get; set; } = Languages.Russian;
    public string? Country { get; set; }
    public string? City { get; set; }
    public ClientSource Source { get; set; }
    public List<string> Tags { get; set; } = [];
    public string? Notes { get; set; }
    public Guid? ResponsibleUserId { get; set; }
    public bool ConsentToContact { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set when this client was merged into another; merged clients are hidden everywhere.</summary>
    public Guid? MergedIntoId { get; set; }
    public uint Version { get; set; }

    public List<ClientContact> Contacts { get; set; } = [];
}

public enum ContactKind
{
    /// <summary>A phone number in E.164.</summary>
    Phone = 0,

    /// <summary>WhatsApp's linked id (<c>…@lid</c>) used instead of the phone for some contacts.</summary>
    WhatsAppLid = 1,

    /// <summary>A Telegram user id.</summary>
    TelegramId = 2,
}

/// <summary>
/// A way to reach a client that identifies them: one client per value within an organisation, enforced by a
/// unique index.
/// </summary>
public sealed class ClientContact : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid ClientId { get; set; }
    public ContactKind Kind { get; set; }
    public required string Value { get; set; }
    public bool IsPrimary { get; set; }

    /// <summary>The WhatsApp chat id of a phone contact: <c>996555123456@c.us</c>.</summary>
    public string? WhatsAppId => Kind == ContactKind.Phone ? Value.TrimStart('+') + "@c.us" : null;
}
