using System.Security.Claims;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Identity;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Web.Infrastructure.Auth;

/// <summary>Fills the request's <see cref="OrgContext"/> from the signed-in principal (cookie or bearer token).</summary>
public sealed class OrgContextMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, OrgContext org)
    {
        OrgPrincipal.Apply(context.User, org, context.User.FindFirst("amr")?.Value == "api" ? ActorType.ApiClient : ActorType.User);
        return next(context);
    }
}

public static class OrgPrincipal
{
    public static void Apply(ClaimsPrincipal user, OrgContext org, ActorType actorType = ActorType.User)
    {
        if (user.Identity?.IsAuthenticated == true
            && Guid.TryParse(user.FindFirstValue(SoulKgClaims.OrgId), out var orgId)
            && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            && Enum.TryParse<OrgRole>(user.FindFirstValue(ClaimTypes.Role), out var role))
        {
            org.SetUser(orgId, userId, role, user.FindFirstValue(SoulKgClaims.DisplayName), actorType);
        }
    }
}
