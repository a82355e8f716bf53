using System.Globalization;
using Microsoft.AspNetCore.Identity;
using SoulKg.Infrastructure.Analytics;
using SoulKg.Infrastructure.Demo;
using SoulKg.Infrastructure.Identity;

namespace SoulKg.Web.Features.Analytics;

/// <summary><c>seed-load --analytics [--chats N]</c>: the load org's history for the dashboard benchmark (docs/benchmarks.md).</summary>
public static class AnalyticsSeedCommand
{
    public static async Task RunAsync(IServiceProvider services, Guid orgId, string? chats)
    {
        var owner = await services.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(LoadSeeder.Email)
            ?? throw new InvalidOperationException($"{LoadSeeder.Email} does not exist; seed-load creates it.");
        await services.GetRequiredService<AnalyticsLoadSeeder>().SeedAsync(orgId, owner.Id, int.Parse(chats ?? "40000", CultureInfo.InvariantCulture));
    }
}
