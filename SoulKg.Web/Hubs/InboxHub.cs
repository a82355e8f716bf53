using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Identity;

namespace SoulKg.Web.Hubs;

/// <summary>
/// Live inbox changes for API clients (mobile, integrations): <c>ConversationChanged</c> and <c>MessageChanged</c>
/// with <see cref="InboxEvent"/>, and <c>Resync</c> when changes may have been missed. Clients re-read through the REST
/// API. A connection joins only its own organisation's group, taken from its token.
/// </summary>
[Authorize(Policy = Permissions.WorkChats)]
public sealed class InboxHub(InboxHubBridge bridge) : Hub
{
    public const string Path = "/hubs/inbox";
    private const string OrgKey = "org";

    public static string GroupOf(Guid orgId) => $"org:{orgId}";

    public override async Task OnConnectedAsync()
    {
        if (!Guid.TryParse(Context.User?.FindFirstValue(SoulKgClaims.OrgId), out var orgId))
        {
            Context.Abort();
            return;
        }

        Context.Items[OrgKey] = orgId;
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(orgId));
        bridge.Attach(orgId);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(OrgKey, out var value) && value is Guid orgId)
        {
            bridge.Detach(orgId);
        }

        await base.OnDisconnectedAsync(exception);
    }
}
