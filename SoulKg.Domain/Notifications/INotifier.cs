namespace SoulKg.Domain.Notifications;

/// <summary>What a notification is about; users choose per kind whether it also comes as a browser notification.</summary>
public enum NoticeKind
{
    ChatWaitingForHuman = 0,
    ChatAssigned = 1,
    PartnerAccepted = 2,
    PartnerDeclined = 3,
    PartnerExpired = 4,
    ImportFinished = 5,
    ChannelNeedsQr = 6,
    ChannelFailed = 7,
    FollowUpFailed = 8,
}

/// <summary>Which roles of the org receive a notice when it is not addressed to one user.</summary>
public enum NoticeAudience
{
    /// <summary>Only <see cref="Notice.UserId"/>.</summary>
    User = 0,

    /// <summary>Owners and admins (channel trouble, imports).</summary>
    Admins = 1,

    /// <summary>Everyone who works chats: owners, admins, managers, sales, operators.</summary>
    ChatStaff = 2,
}

/// <summary>One thing a person should know about, with a link to where to act on it.</summary>
public sealed record Notice(
    Guid OrgId,
    NoticeKind Kind,
    NoticeAudience Audience,
    string Title,
    string? Body = null,
    string? Link = null,
    Guid? UserId = null);

/// <summary>
/// The one way every part of the app (WhatsApp host, agents, partner handoff, import) tells people something.
/// The notification centre stores the notice per recipient and pushes it; writers never know who is online.
/// </summary>
public interface INotifier
{
    Task NotifyAsync(Notice notice, CancellationToken cancellationToken);
}
