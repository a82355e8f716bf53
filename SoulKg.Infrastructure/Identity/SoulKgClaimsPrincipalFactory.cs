using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data.Interceptors;
using Microsoft.Extensions.Options;

namespace SoulKg.Infrastructure.Identity;

/// <summary>Adds the organisation, the role in it, the display name and the UI culture to the sign-in principal.</summary>
public sealed class SoulKgClaimsPrincipalFactory(
    UserManager<ApplicationUser> userManager,
    IOptions<IdentityOptions> options,
    MembershipLookup memberships)
    : UserClaimsPrincipalFactory<ApplicationUser>(userManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(SoulKgClaims.DisplayName, user.DisplayName));
        identity.AddClaim(new Claim(SoulKgClaims.Culture, user.Culture));

        var membership = await memberships.FindActiveAsync(user.Id);
        if (membership is not null)
        {
            identity.AddClaim(new Claim(SoulKgClaims.OrgId, membership.OrgId.ToString()));
            identity.AddClaim(new Claim(SoulKgClaims.OrgName, membership.OrgName));
            identity.AddClaim(new Claim(ClaimTypes.Role, membership.Role.ToString()));
        }

        return identity;
    }
}

/// <summary>
/// Finds a person's active membership before their organisation is known. The memberships policy lets a
/// connection whose <c>app.user_id</c> is that person read their own rows, and nothing else; the organisation's
/// name is read once the connection is set to that organisation.
/// </summary>
public sealed class MembershipLookup(NpgsqlDataSource dataSource)
{
    public async Task<ActiveMembership?> FindActiveAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var asUser = OrgSession.CreateSetCommand(connection, null, userId))
        {
            await asUser.ExecuteNonQueryAsync(cancellationToken);
        }

        Guid orgId;
        OrgRole role;
        await using (var find = connection.CreateCommand())
        {
            find.CommandText = "SELECT org_id, role FROM memberships WHERE user_id = @user AND is_active ORDER BY created_at LIMIT 1";
            find.Parameters.AddWithValue("user", userId);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            orgId = reader.GetGuid(0);
            role = Enum.Parse<OrgRole>(reader.GetString(1));
        }

        await using (var asOrg = OrgSession.CreateSetCommand(connection, orgId, userId))
        {
            await asOrg.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var name = connection.CreateCommand();
        name.CommandText = "SELECT name FROM organizations WHERE id = @org";
        name.Parameters.AddWithValue("org", orgId);
        var orgName = (string?)await name.ExecuteScalarAsync(cancellationToken) ?? "";
        return new ActiveMembership(orgId, orgName, role);
    }
}

public sealed record ActiveMembership(Guid OrgId, string OrgName, OrgRole Role);

/// <summary>A person may sign in only while they have an active membership somewhere.</summary>
public sealed class ActiveMemberConfirmation(MembershipLookup memberships) : IUserConfirmation<ApplicationUser>
{
    public async Task<bool> IsConfirmedAsync(UserManager<ApplicationUser> manager, ApplicationUser user) =>
        await memberships.FindActiveAsync(user.Id) is not null;
}
