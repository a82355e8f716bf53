using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Npgsql;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Identity;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Web.Infrastructure.Auth;

namespace SoulKg.Web.Features.Users;

public enum UsersFailure
{
    NotFound,
    Forbidden,
    Refused,
    Invalid,
}

/// <summary>Either a value or why there is none. <see cref="Message"/> is localised; <see cref="Refusal"/> is the stable code.</summary>
public sealed record UsersResult<T>(T? Value, UsersFailure? Failure = null, string? Message = null,
    MembershipRefusal? Refusal = null, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public bool Succeeded => Failure is null;
}

/// <summary>Lists and manages the members of the current organisation (permission <see cref="Permissions.ManageUsers"/>).</summary>
public sealed class UsersService(
    IDbContextFactory<SoulKgDbContext> dbFactory,
    IServiceScopeFactory scopes,
    OrgContext org,
    IStringLocalizer<SharedResource> localizer,
    TimeProvider clock,
    ILogger<UsersService> logger)
{
    public async Task<IReadOnlyList<UserDto>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Members(db).ToListAsync(cancellationToken);
    }

    public async Task<UserDto?> FindAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Members(db, userId).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Creates an account with a temporary password, or adds an existing account (same e-mail) to this organisation.</summary>
    public Task<UsersResult<CreatedUser>> CreateAsync(CreateUserRequest request, CancellationToken cancellationToken = default) =>
        RunAsync<CreatedUser>(async (op, actor, ct) =>
        {
            if (MembershipRules.CheckAdd(actor.Role, request.Role) is { } refusal)
            {
                return Refuse<CreatedUser>(refusal);
            }

            var email = request.Email.Trim();
            var user = await op.Users.FindByEmailAsync(email);
            var attached = user is not null;
            string? generated = null;
            if (user is not null)
            {
                var existing = await op.Db.Memberships.FirstOrDefaultAsync(m => m.UserId == user.Id, ct);
                if (existing is not null)
                {
                    return Refuse<CreatedUser>(existing.IsActive ? MembershipRefusal.AlreadyMember : MembershipRefusal.AlreadyMemberInactive);
                }
            }
            else
            {
                var password = string.IsNullOrEmpty(request.Password) ? generated = GeneratePassword() : request.Password;
                user = new ApplicationUser
                {
                    UserName = email,
                    Email = email,
                    DisplayName = request.DisplayName.Trim(),
                    CreatedAt = clock.GetUtcNow(),
                };
                var created = await op.Users.CreateAsync(user, password);
                if (!created.Succeeded)
                {
                    return new UsersResult<CreatedUser>(default, UsersFailure.Invalid, localizer["UsersInvalid"], Errors: IdentityErrors.ToDictionary(created));
                }
            }

            op.Db.Memberships.Add(new Membership { UserId = user.Id, Role = request.Role, CreatedAt = clock.GetUtcNow() });
            try
            {
                await op.Db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                return Refuse<CreatedUser>(MembershipRefusal.AlreadyMember); // added by someone else a moment ago
            }

            logger.LogInformation("User {UserId} added to organisation {OrgId} as {Role} (existing account: {Attached})", user.Id, actor.OrgId, request.Role, attached);
            return new UsersResult<CreatedUser>(new CreatedUser(await op.MemberAsync(user.Id, ct), attached, generated));
        }, cancellationToken);

    public Task<UsersResult<UserDto>> ChangeRoleAsync(Guid userId, OrgRole role, CancellationToken cancellationToken = default) =>
        ChangeMemberAsync(userId, (actor, target, owners) =>
            target.Role == role ? null : MembershipRules.CheckRoleChange(actor.UserId, actor.Role, State(target), role, owners),
            target => target.Role = role,
            revokeRefreshTokens: false,
            cancellationToken);

    public Task<UsersResult<UserDto>> DeactivateAsync(Guid userId, CancellationToken cancellationToken = default) =>
        ChangeMemberAsync(userId, (actor, target, owners) =>
            !target.IsActive ? null : MembershipRules.CheckDeactivation(actor.UserId, actor.Role, State(target), owners),
            target =>
            {
                if (target.IsActive)
                {
                    target.IsActive = false;
                    target.DeactivatedAt = clock.GetUtcNow();
                }
            },
            revokeRefreshTokens: true,
            cancellationToken);

    public Task<UsersResult<UserDto>> ReactivateAsync(Guid userId, CancellationToken cancellationToken = default) =>
        ChangeMemberAsync(userId, (actor, target, _) =>
            target.IsActive ? null : MembershipRules.CheckReactivation(actor.Role, State(target)),
            target =>
            {
                if (!target.IsActive)
                {
                    target.IsActive = true;
                    target.DeactivatedAt = null;
                }
            },
            revokeRefreshTokens: false,
            cancellationToken);

    /// <summary>
    /// Loads the target under a lock on the owners, checks the rules, applies the change and renews the user's
    /// security stamp in one transaction. A new stamp ends their cookies within a minute and their access tokens at
    /// once (JwtEvents compares it), so a demoted or deactivated user cannot keep using old rights.
    /// Asking for the state the member is already in changes nothing and succeeds.
    /// </summary>
    private Task<UsersResult<UserDto>> ChangeMemberAsync(
        Guid userId,
        Func<Actor, Membership, int, MembershipRefusal?> check,
        Action<Membership> apply,
        bool revokeRefreshTokens,
        CancellationToken cancellationToken) =>
        RunAsync<UserDto>(async (op, actor, ct) =>
        {
            var target = await op.Db.Memberships.FirstOrDefaultAsync(m => m.UserId == userId, ct);
            if (target is null)
            {
                return NotFound<UserDto>();
            }

            var owners = await op.Db.Memberships.CountAsync(m => m.Role == OrgRole.Owner && m.IsActive, ct);
            if (check(actor, target, owners) is { } refusal)
            {
                return Refuse<UserDto>(refusal);
            }

            apply(target);
            if (op.Db.ChangeTracker.HasChanges())
            {
                await op.Db.SaveChangesAsync(ct);
                var user = await op.Users.FindByIdAsync(userId.ToString());
                if (user is not null && !(await op.Users.UpdateSecurityStampAsync(user)).Succeeded)
                {
                    throw new DbUpdateConcurrencyException($"The security stamp of user {userId} could not be renewed.");
                }

                if (revokeRefreshTokens)
                {
                    await op.Tokens.RevokeAllAsync(userId, ct);
                }

                logger.LogInformation("Membership of user {UserId} in organisation {OrgId} changed by {ActorId}", userId, actor.OrgId, actor.UserId);
            }

            return new UsersResult<UserDto>(await op.MemberAsync(userId, ct));
        }, cancellationToken);

    /// <summary>
    /// Runs a change in its own DI scope and transaction. A Blazor circuit's scoped UserManager (and the DbContext
    /// under it) would otherwise live as long as the circuit and hand out stale tracked users; the new scope gets
    /// this unit of work's organisation and actor so its connections carry the same RLS settings.
    /// </summary>
    private async Task<UsersResult<T>> RunAsync<T>(Func<Operation, Actor, CancellationToken, Task<UsersResult<T>>> work, CancellationToken cancellationToken)
    {
        if (org is not { OrgId: { } orgId, UserId: { } actorId, Role: { } claimedRole })
        {
            return Forbidden<T>();
        }

        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<OrgContext>().SetUser(orgId, actorId, claimedRole, org.ActorName, org.ActorType);
        var op = new Operation(services.GetRequiredService<SoulKgDbContext>(), services.GetRequiredService<UserManager<ApplicationUser>>(), services.GetRequiredService<TokenService>());

        await using var transaction = await op.Db.Database.BeginTransactionAsync(cancellationToken);
        // Serialises changes that involve owners: two owners demoting each other at once must not leave none.
        await op.Db.Database.ExecuteSqlAsync($"SELECT 1 FROM memberships WHERE role = 'Owner' FOR UPDATE", cancellationToken);

        // The actor's role comes from the database, not the claims: they may have been demoted since signing in.
        var actorRole = await op.Db.Memberships.Where(m => m.UserId == actorId && m.IsActive).Select(m => (OrgRole?)m.Role).FirstOrDefaultAsync(cancellationToken);
        if (actorRole is not { } role || !Permissions.Has(role, Permissions.ManageUsers))
        {
            return Forbidden<T>();
        }

        var result = await work(op, new Actor(orgId, actorId, role), cancellationToken);
        if (result.Succeeded)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return result;
    }

    // Filter and order before the projection: EF cannot translate members of a positional record.
    private static IQueryable<UserDto> Members(SoulKgDbContext db, Guid? userId = null) =>
        from m in db.Memberships.AsNoTracking()
        join u in db.Users.AsNoTracking() on m.UserId equals u.Id
        where userId == null || m.UserId == userId
        orderby u.DisplayName, u.Email
        select new UserDto(u.Id, u.Email ?? "", u.DisplayName, m.Role, m.IsActive, m.CreatedAt, m.DeactivatedAt);

    private static MemberState State(Membership m) => new(m.UserId, m.Role, m.IsActive);

    private UsersResult<T> Refuse<T>(MembershipRefusal refusal) =>
        new(default, UsersFailure.Refused, localizer[$"UsersRefusal_{refusal}"], refusal);

    private UsersResult<T> NotFound<T>() => new(default, UsersFailure.NotFound, localizer["UsersNotFound"]);

    private UsersResult<T> Forbidden<T>() => new(default, UsersFailure.Forbidden, localizer["UsersForbidden"]);

    /// <summary>12 characters that satisfy the Identity password options: upper, lower and digits, no look-alikes.</summary>
    internal static string GeneratePassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnpqrstuvwxyz", digits = "23456789";
        char[] chars = [.. RandomNumberGenerator.GetItems<char>(upper, 4), .. RandomNumberGenerator.GetItems<char>(lower, 5), .. RandomNumberGenerator.GetItems<char>(digits, 3)];
        RandomNumberGenerator.Shuffle<char>(chars);
        return new string(chars);
    }

    private sealed record Actor(Guid OrgId, Guid UserId, OrgRole Role);

    private sealed record Operation(SoulKgDbContext Db, UserManager<ApplicationUser> Users, TokenService Tokens)
    {
        public async Task<UserDto> MemberAsync(Guid userId, CancellationToken ct) =>
            await Members(Db, userId).FirstAsync(ct);
    }
}
