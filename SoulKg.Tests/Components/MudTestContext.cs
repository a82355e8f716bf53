using System.Globalization;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using SoulKg.Domain.Tenancy;

namespace SoulKg.Tests.Components;

/// <summary>
/// bUnit context for the app's MudBlazor components: loose JS interop, Mud services without transitions, the app's
/// localised strings (Russian unless a test asks otherwise).
/// </summary>
public abstract class MudTestContext : BunitContext
{
    protected MudTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
            options.PopoverOptions.CheckForPopoverProvider = false;
        });
        Services.AddLocalization(options => options.ResourcesPath = "Resources");
        UseCulture("ru");
    }

    protected static void UseCulture(string name)
    {
        CultureInfo.CurrentCulture = new CultureInfo(name);
        CultureInfo.CurrentUICulture = new CultureInfo(name);
    }

    /// <summary>
    /// A signed-in member with <paramref name="role"/>, authorised by the real permission policies (as the web app
    /// registers them) instead of bUnit's fake policy answers.
    /// </summary>
    protected void SignInAs(OrgRole role)
    {
        var authorization = AddAuthorization();
        authorization.SetAuthorized($"{role.ToString().ToLowerInvariant()}@test.soulkg.kg");
        authorization.SetClaims(new Claim(ClaimTypes.Role, role.ToString()));

        Services.AddAuthorizationCore(options =>
        {
            foreach (var permission in Permissions.All)
            {
                options.AddPolicy(permission, policy => policy.RequireAssertion(ctx =>
                    Enum.TryParse<OrgRole>(ctx.User.FindFirstValue(ClaimTypes.Role), out var r) && Permissions.Has(r, permission)));
            }
        });
        Services.AddSingleton<IAuthorizationPolicyProvider, DefaultAuthorizationPolicyProvider>();
        Services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
    }
}
