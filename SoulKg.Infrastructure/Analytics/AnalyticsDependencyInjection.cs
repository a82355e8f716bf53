using SoulKg.Infrastructure.Analytics;

namespace Microsoft.Extensions.DependencyInjection;

public static class AnalyticsDependencyInjection
{
    public static IServiceCollection AddSoulKgAnalytics(this IServiceCollection services) => services.AddSingleton<AnalyticsCache>().AddScoped<AnalyticsService>().AddScoped<AnalyticsLoadSeeder>();
}
