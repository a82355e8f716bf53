using SoulKg.Infrastructure.WhatsApp.Sandbox;

namespace SoulKg.Web.Features.Channels;

public static class ChannelsFeature
{
    public static IServiceCollection AddChannelsFeature(this IServiceCollection services) => services.AddScoped<ChannelAdminService>();

    /// <summary>
    /// /sandbox/* (the sandbox phone page) answers 404 unless the sandbox is enabled, which it never is in Production; the
    /// page checks again for client-side navigation, and the sandbox server itself refuses to work when disabled.
    /// </summary>
    public static WebApplication UseSandboxGuard(this WebApplication app)
    {
        var sandbox = app.Services.GetRequiredService<SandboxServer>();
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/sandbox") && !sandbox.Enabled)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(http);
        });
        return app;
    }
}
