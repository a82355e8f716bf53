using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using SoulKg.Infrastructure.Identity;

namespace SoulKg.Web.Infrastructure.Auth;

/// <summary>
/// A token stays valid only while its user's security stamp is unchanged and they still have an active membership,
/// so deactivating a user or changing their role ends their API access at once, not when the token expires.
/// </summary>
public sealed class JwtEvents : JwtBearerEvents
{
    /// <summary>Browsers cannot put headers on a WebSocket, so SignalR sends the token as <c>access_token</c>: accepted for hubs only.</summary>
    public override Task MessageReceived(MessageReceivedContext context)
    {
        if (context.HttpContext.Request.Path.StartsWithSegments("/hubs")
            && context.Request.Query.TryGetValue("access_token", out var token) && !string.IsNullOrEmpty(token))
        {
            context.Token = token;
        }

        return Task.CompletedTask;
    }

    public override async Task TokenValidated(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        var services = context.HttpContext.RequestServices;
        var users = services.GetRequiredService<UserManager<ApplicationUser>>();
        var user = Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? await users.FindByIdAsync(id.ToString()) : null;
        if (user is null || user.SecurityStamp != principal.FindFirstValue(SoulKgClaims.SecurityStamp))
        {
            context.Fail("The token was revoked.");
            return;
        }

        var membership = await services.GetRequiredService<MembershipLookup>().FindActiveAsync(user.Id, context.HttpContext.RequestAborted);
        if (membership is null || membership.OrgId.ToString() != principal.FindFirstValue(SoulKgClaims.OrgId) || membership.Role.ToString() != principal.FindFirstValue(ClaimTypes.Role))
        {
            context.Fail("The membership changed.");
        }
    }

    public override async Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        await ProblemResults.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized,
            "Требуется вход", context.AuthenticateFailure is null ? "Нужен токен доступа (Authorization: Bearer …)." : "Токен недействителен или истёк.");
    }

    public override async Task Forbidden(ForbiddenContext context) =>
        await ProblemResults.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Доступ запрещён", "Вашей роли это действие недоступно.");
}
