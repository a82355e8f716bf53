using SoulKg.Domain.Tenancy;

namespace SoulKg.Infrastructure.Tenancy;

/// <summary>
/// The organisation and actor of the current unit of work (request, circuit or job). Scoped. Every connection the
/// app opens copies <see cref="OrgId"/> into the PostgreSQL setting <c>app.org_id</c>, which the RLS policies read.
/// </summary>
public sealed class OrgContext
{
    public Guid? OrgId { get; private set; }
    public Guid? UserId { get; private set; }
    public OrgRole? Role { get; private set; }
    public ActorType ActorType { get; private set; } = ActorType.System;
    public string? ActorName { get; private set; }

    public bool HasOrg => OrgId is not null;

    public Guid RequiredOrgId => OrgId ?? throw new InvalidOperationException("No organisation is set for this unit of work.");

    public void SetUser(Guid orgId, Guid userId, OrgRole role, string? name, ActorType actorType = ActorType.User)
    {
        OrgId = orgId;
        UserId = userId;
        Role = role;
        ActorName = name;
        ActorType = actorType;
    }

    /// <summary>Background jobs and system work name their organisation explicitly.</summary>
    public void SetSystem(Guid orgId, ActorType actorType = ActorType.System, string? actorName = null)
    {
        OrgId = orgId;
        UserId = null;
        Role = null;
        ActorType = actorType;
        ActorName = actorName ?? actorType.ToString();
    }

    /// <summary>Before sign-in completes only the person is known: they may read their own memberships.</summary>
    public void SetAnonymousUser(Guid userId)
    {
        OrgId = null;
        UserId = userId;
        Role = null;
        ActorType = ActorType.User;
    }

    public void Clear()
    {
        OrgId = null;
        UserId = null;
        Role = null;
        ActorName = null;
        ActorType = ActorType.System;
    }
}
