using SoulKg.Infrastructure.Analytics;

namespace Microsoft.Extensions.DependencyInjection;

public static class AnalyticsDependencyInjection
{
    public static IServiceCollection AddSoulKgAnalytics(this IServiceCollection services)
    {
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section);
        return services.AddSingleton<AnalyticsCache>().AddScoped<AnalyticsService>().AddScoped<AnalyticsLoadSeeder>();
    }
}
