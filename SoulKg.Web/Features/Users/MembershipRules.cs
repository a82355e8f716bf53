using SoulKg.Domain.Tenancy;

namespace SoulKg.Web.Features.Users;

/// <summary>Why a change to someone's membership is refused. The UI and the API show the matching resource text.</summary>
public enum MembershipRefusal
{
    CannotAssignRole,
    CannotManageTarget,
    SelfChange,
    SelfDeactivation,
    LastOwner,
    AlreadyMember,
    AlreadyMemberInactive,
}

/// <summary>The member being changed, as the database holds it inside the change's transaction.</summary>
public sealed record MemberState(Guid UserId, OrgRole Role, bool IsActive);

/// <summary>
/// The rules for managing members, kept free of I/O so they can be tested exhaustively. The caller loads the
/// actor's role from the database (not from possibly stale claims) and counts active owners under a row lock.
/// </summary>
public static class MembershipRules
{
    public static MembershipRefusal? CheckAdd(OrgRole actorRole, OrgRole role) =>
        Permissions.CanAssign(actorRole, role) ? null : MembershipRefusal.CannotAssignRole;

    public static MembershipRefusal? CheckRoleChange(Guid actorId, OrgRole actorRole, MemberState target, OrgRole role, int activeOwners)
    {
        // Changing one's own role is refused outright: it is how an owner or admin locks themselves out by mistake.
        if (target.UserId == actorId)
        {
            return MembershipRefusal.SelfChange;
        }

        if (!Permissions.CanAssign(actorRole, target.Role))
        {
            return MembershipRefusal.CannotManageTarget;
        }

        if (!Permissions.CanAssign(actorRole, role))
        {
            return MembershipRefusal.CannotAssignRole;
        }

        return IsLastActiveOwner(target, activeOwners) && role != OrgRole.Owner ? MembershipRefusal.LastOwner : null;
    }

    public static MembershipRefusal? CheckDeactivation(Guid actorId, OrgRole actorRole, MemberState target, int activeOwners)
    {
        if (target.UserId == actorId)
        {
            return MembershipRefusal.SelfDeactivation;
        }

        if (!Permissions.CanAssign(actorRole, target.Role))
        {
            return MembershipRefusal.CannotManageTarget;
        }

        return IsLastActiveOwner(target, activeOwners) ? MembershipRefusal.LastOwner : null;
    }

    public static MembershipRefusal? CheckReactivation(OrgRole actorRole, MemberState target) =>
        Permissions.CanAssign(actorRole, target.Role) ? null : MembershipRefusal.CannotManageTarget;

    /// <summary>What the UI offers: the same rules, without the owner count (the server re-checks everything).</summary>
    public static bool CanManage(Guid actorId, OrgRole actorRole, MemberState target) =>
        target.UserId != actorId && Permissions.CanAssign(actorRole, target.Role);

    public static IReadOnlyList<OrgRole> AssignableRoles(OrgRole actorRole) =>
        [.. Enum.GetValues<OrgRole>().Where(r => Permissions.CanAssign(actorRole, r))];

    private static bool IsLastActiveOwner(MemberState target, int activeOwners) =>
        target.Role == OrgRole.Owner && target.IsActive && activeOwners <= 1;
}
