using SoulKg.Domain.Tenancy;

namespace SoulKg.Domain.Notifications;

/// <summary>One notice as one person sees it: a notice for several people is stored once per recipient, so each reads their own.</summary>
public sealed class Notification : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid UserId { get; set; }
    public NoticeKind Kind { get; set; }
    public required string Title { get; set; }
    public string? Body { get; set; }

    /// <summary>App-relative, e.g. <c>inbox?c=…</c> or <c>funnel?deal=…</c>.</summary>
    public string? Link { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
}

/// <summary>Which kinds a person also wants as browser notifications (the in-app list always gets everything).</summary>
public sealed class NotificationPreference : IOrgOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrgId { get; set; }
    public Guid UserId { get; set; }
    public List<NoticeKind> BrowserKinds { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>What a person gets before choosing: the notices that need someone to act now.</summary>
    public static IReadOnlyList<NoticeKind> DefaultBrowserKinds { get; } =
        [NoticeKind.ChatWaitingForHuman, NoticeKind.ChatAssigned, NoticeKind.PartnerAccepted, NoticeKind.PartnerDeclined, NoticeKind.PartnerExpired];
}

/// <summary>Which roles an audience reaches.</summary>
public static class NoticeAudiences
{
    public static IReadOnlyList<OrgRole> Roles(NoticeAudience audience) => audience switch
    {
        NoticeAudience.Admins => [OrgRole.Owner, OrgRole.Admin],
        NoticeAudience.ChatStaff => [OrgRole.Owner, OrgRole.Admin, OrgRole.Manager, OrgRole.Sales, OrgRole.Operator],
        _ => [],
    };
}
