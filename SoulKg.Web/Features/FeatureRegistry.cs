using SoulKg.Infrastructure.Conversations;
using SoulKg.Web.Features.Auth;
using SoulKg.Web.Features.Inbox;
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

    public static RouteGroupBuilder MapSoulKgFeatures(this RouteGroupBuilder api)
    {
        api.MapAuthEndpoints();
        api.MapInboxEndpoints();
        return api;
    }

    /// <summary>Endpoints outside /api/v1: SignalR hubs.</summary>
    public static WebApplication MapSoulKgHubs(this WebApplication app)
    {
        app.MapHub<InboxHub>(InboxHub.Path);
        return app;
    }
}
