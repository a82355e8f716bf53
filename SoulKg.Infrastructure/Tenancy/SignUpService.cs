using Microsoft.AspNetCore.Identity;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Identity;

namespace SoulKg.Infrastructure.Tenancy;

public sealed record SignUpRequest(string OrganizationName, string DisplayName, string Email, string Password, string Culture = "ru");

public sealed record SignUpResult(Guid? OrgId, Guid? UserId, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>Creates an organisation and its owner in one transaction: both exist afterwards, or neither.</summary>
public sealed class SignUpService(
    SoulKgDbContext db,
    UserManager<ApplicationUser> users,
    OrgContext org,
    TimeProvider clock,
    OrgProvisioner provisioner)
{
    public async Task<SignUpResult> SignUpAsync(SignUpRequest request, CancellationToken cancellationToken = default)
    {
        if (await users.FindByEmailAsync(request.Email) is not null)
        {
            return Fail("email", "Этот e-mail уже зарегистрирован.");
        }

        var organization = new Organization { Name = request.OrganizationName.Trim(), CreatedAt = clock.GetUtcNow() };
        var user = new ApplicationUser
        {
            UserName = request.Email,
            Email = request.Email,
            DisplayName = request.DisplayName.Trim(),
            Culture = request.Culture is "en" ? "en" : "ru",
            CreatedAt = clock.GetUtcNow(),
        };

        // The connection (opened by the transaction) is set to the new organisation before any row is written.
        org.SetUser(organization.Id, user.Id, OrgRole.Owner, user.DisplayName);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Organizations.Add(organization);
        await db.SaveChangesAsync(cancellationToken);

        var created = await users.CreateAsync(user, request.Password);
        if (!created.Succeeded)
        {
            await transaction.RollbackAsync(cancellationToken);
            org.Clear();
            return new SignUpResult(null, null, IdentityErrors.ToDictionary(created));
        }

        db.Memberships.Add(new Membership { OrgId = organization.Id, UserId = user.Id, Role = OrgRole.Owner, CreatedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
        await provisioner.ProvisionAsync(db, organization, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SignUpResult(organization.Id, user.Id, new Dictionary<string, string[]>());
    }

    private static SignUpResult Fail(string field, string message) =>
        new(null, null, new Dictionary<string, string[]> { [field] = [message] });
}
