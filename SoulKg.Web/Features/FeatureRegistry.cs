using SoulKg.Infrastructure.Conversations;
using SoulKg.Web.Features.Auth;
using SoulKg.Web.Features.Inbox;
using SoulKg.Web.Features.Inbox.Dev;
using SoulKg.Web.Hubs;

namespace SoulKg.Web.Features;

/// <summary>The table of contents of the features: their services and their API endpoint groups.</summary>
public static class FeatureRegistry
{
    public static IServiceCollection AddSoulKgFeatures(this IServiceCollection services)
    {
        services.AddScoped<CannedReplyService>();
        services.AddSignalR();
        services.AddSingleton<InboxHubBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxHubBridge>());
        return services;
    }

    /// <summary>Registrations that depend on the environment or configuration.</summary>
    public static IHostApplicationBuilder AddSoulKgFeatures(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSoulKgFeatures();
        if (InboxDevTools.Enabled(builder.Configuration, builder.Environment))
        {
            builder.Services.AddInboxDevTools();
        }

        return builder;
    }

    public static RouteGroupBuilder MapSoulKgFeatures(this RouteGroupBuilder api)
    {
        api.MapAuthEndpoints();
        api.MapInboxEndpoints();
        return api;
    }

    /// <summary>Endpoints outside /api/v1: SignalR hubs (and the inbox dev tools when switched on).</summary>
    public static WebApplication MapSoulKgHubs(this WebApplication app)
    {
        app.MapHub<InboxHub>(InboxHub.Path);
        if (InboxDevTools.Enabled(app.Configuration, app.Environment))
        {
            app.MapInboxDevTools();
        }

        return app;
    }
}
