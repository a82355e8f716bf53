using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Demo;

namespace SoulKg.Web.Infrastructure;

/// <summary>
/// Maintenance commands on the app's own binary: <c>migrate</c>, <c>seed-demo</c>.
/// They use the same configuration as the app, so they reach the same database.
/// </summary>
public static class CommandLine
{
    public static async Task<bool> TryRunAsync(WebApplication app, string[] args)
    {
        var command = args.FirstOrDefault(a => !a.StartsWith('-') && !a.Contains('='));
        switch (command)
        {
            case null:
                return false;
            case "migrate":
                await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
                return true;
            case "seed-demo":
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync();
                }

                return true;
            default:
                await Console.Error.WriteLineAsync($"Unknown command '{command}'. Commands: migrate, seed-demo.");
                Environment.ExitCode = 2;
                return true;
        }
    }

    /// <summary>Development and the demo apply migrations at start; production runs <c>migrate</c> in its deploy step.</summary>
    public static async Task MigrateOnStartupAsync(this WebApplication app)
    {
        if (app.Configuration.GetValue("Database:MigrateOnStartup", app.Environment.IsDevelopment()))
        {
            await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        }
    }
}
