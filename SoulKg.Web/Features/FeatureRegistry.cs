using SoulKg.Web.Features.Audit;
using SoulKg.Web.Features.Auth;
using SoulKg.Web.Features.Users;

namespace SoulKg.Web.Features;

/// <summary>The table of contents of the features: their services and their API endpoint groups.</summary>
public static class FeatureRegistry
{
    public static IServiceCollection AddSoulKgFeatures(this IServiceCollection services)
    {
        services.AddScoped<UsersService>();
        services.AddScoped<AuditService>();
        return services;
    }

    public static RouteGroupBuilder MapSoulKgFeatures(this RouteGroupBuilder api)
    {
        api.MapAuthEndpoints();
        api.MapUsersEndpoints();
        api.MapAuditEndpoints();
        return api;
    }
}
