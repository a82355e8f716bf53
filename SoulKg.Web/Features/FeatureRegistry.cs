using SoulKg.Web.Features.Audit;
using SoulKg.Web.Features.Auth;
using SoulKg.Web.Features.Users;
using SoulKg.Web.Features.Clients;
using SoulKg.Web.Features.Deals;
using SoulKg.Web.Features.Funnel;
using SoulKg.Web.Features.Partners;
using SoulKg.Web.Features.Tours;
using SoulKg.Web.Infrastructure;

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
        return services;
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
        return api;
    }
}
