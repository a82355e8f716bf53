using SoulKg.Web.Features.Analytics;
using SoulKg.Web.Features.Agents;
using SoulKg.Web.Features.Audit;
using SoulKg.Web.Features.Auth;
using SoulKg.Web.Features.Users;
using SoulKg.Web.Features.Clients;
using SoulKg.Web.Features.Deals;
using SoulKg.Web.Features.Funnel;
using SoulKg.Web.Features.Partners;
using SoulKg.Web.Features.Tours;
using SoulKg.Web.Infrastructure;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Web.Features.Inbox;
using SoulKg.Web.Features.Inbox.Dev;
using SoulKg.Web.Hubs;
using SoulKg.Web.Features.FollowUps;
using SoulKg.Web.Features.Channels;
using SoulKg.Web.Features.Notifications;
using SoulKg.Web.Features.Handoffs;
using SoulKg.Web.Features.Import;

namespace SoulKg.Web.Features;

/// <summary>The table of contents of the features: their services and their API endpoint groups.</summary>
public static class FeatureRegistry
{
    public static IServiceCollection AddSoulKgFeatures(this IServiceCollection services)
    {
        services.AddScoped<UsersService>();
        services.AddScoped<AuditService>();
        services.AddSoulKgApiJson();
        services.AddSoulKgApiExamples();
        services.AddSoulKgAnalyticsApi();
        services.AddScoped<CannedReplyService>();
        services.AddChannelsFeature();
        services.AddSingleton<HandoffLinks>();
        services.AddSignalR();
        services.AddSingleton<InboxHubBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxHubBridge>());
        return services;
    }

    /// <summary>Registrations that depend on the environment or configuration.</summary>
    public static IHostApplicationBuilder AddSoulKgFeatures(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSoulKgFeatures();
        builder.Services.AddSoulKgImport(builder.Configuration, DataPath.Get(builder.Configuration));
        if (InboxDevTools.Enabled(builder.Configuration, builder.Environment))
        {
            builder.Services.AddInboxDevTools();
        }

        return builder;
    }

    public static RouteGroupBuilder MapSoulKgFeatures(this RouteGroupBuilder api)
    {
        api.MapAuthEndpoints();
        api.MapUsersEndpoints();
        api.MapAuditEndpoints();
        api.MapClientsEndpoints();
        api.MapDealsEndpoints();
        api.MapFunnelEndpoints();
        api.MapToursEndpoints();
        api.MapPartnersEndpoints();
        api.MapInboxEndpoints();
        api.MapFollowUpsEndpoints();
        api.MapAnalyticsEndpoints();
        api.MapAgentsEndpoints();
        api.MapNotificationsEndpoints();
        api.MapHandoffsEndpoints();
        api.MapImportEndpoints();
        api.MapChannelsEndpoints();
        return api;
    }

    /// <summary>Endpoints outside /api/v1: SignalR hubs (and the inbox dev tools when switched on).</summary>
    public static WebApplication MapSoulKgHubs(this WebApplication app)
    {
        app.MapHub<InboxHub>(InboxHub.Path);
        app.MapAnalyticsDownloads();
        app.MapToursDownloads();
        app.MapPartnersDownloads();
        app.UseSandboxGuard();
        if (InboxDevTools.Enabled(app.Configuration, app.Environment))
        {
            app.MapInboxDevTools();
        }

        return app;
    }
}
