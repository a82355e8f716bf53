using Microsoft.AspNetCore.Identity;

namespace SoulKg.Infrastructure.Identity;

/// <summary>
/// A person's account. Accounts are global (one e-mail, one password); what a person may do in an organisation
/// lives in <see cref="Domain.Tenancy.Membership"/>, which row-level security scopes to that organisation.
/// </summary>
public sealed class ApplicationUser : IdentityUser<Guid>
{
    public ApplicationUser() => Id = Guid.CreateVersion7();

    public string DisplayName { get; set; } = "";

    /// <summary>UI language: "ru" (default) or "en".</summary>
    public string Culture { get; set; } = "ru";

    public DateTimeOffset CreatedAt { get; set; }
}
