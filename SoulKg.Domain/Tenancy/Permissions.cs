namespace SoulKg.Domain.Tenancy;

/// <summary>
/// The permission matrix. Policies in the web app are named after these permissions; docs/security.md prints the
/// same table, and a test keeps the two in step.
/// </summary>
public static class Permissions
{
    public const string ManageUsers = "users.manage";
    public const string ManageChannels = "channels.manage";
    public const string ManageAgents = "agents.manage";
    public const string ManageSettings = "settings.manage";
    public const string ManageCatalog = "catalog.manage";
    public const string ViewAudit = "audit.view";
    public const string ViewAnalytics = "analytics.view";
    public const string WorkDeals = "deals.work";
    public const string WorkChats = "chats.work";
    public const string ImportData = "imports.run";

    public static IReadOnlyList<string> All { get; } =
    [
        ManageUsers, ManageChannels, ManageAgents, ManageSettings, ManageCatalog,
        ViewAudit, ViewAnalytics, WorkDeals, WorkChats, ImportData,
    ];

    private static readonly Dictionary<OrgRole, HashSet<string>> Matrix = new()
    {
        [OrgRole.Owner] = [.. All],
        [OrgRole.Admin] = [.. All],
        [OrgRole.Manager] = [ManageCatalog, ViewAudit, ViewAnalytics, WorkDeals, WorkChats, ImportData],
        [OrgRole.Sales] = [WorkDeals, WorkChats],
        [OrgRole.Operator] = [WorkChats],
    };

    public static bool Has(OrgRole role, string permission) =>
        Matrix.TryGetValue(role, out var granted) && granted.Contains(permission);

    public static IEnumerable<string> For(OrgRole role) => Matrix[role];

    /// <summary>Only an owner may create or promote another owner; an admin manages everyone below.</summary>
    public static bool CanAssign(OrgRole actor, OrgRole target) =>
        actor == OrgRole.Owner || (actor == OrgRole.Admin && target != OrgRole.Owner);
}
