using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Demo;

namespace SoulKg.Web.Infrastructure;

/// <summary>
/// Maintenance commands on the app's own binary: <c>migrate</c>, <c>seed-demo</c>, <c>seed-load</c>, <c>import</c>.
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
            case "seed-load":
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    var clients = int.Parse(Option(args, "--clients") ?? "100000", System.Globalization.CultureInfo.InvariantCulture);
                    var deals = int.Parse(Option(args, "--deals") ?? "150000", System.Globalization.CultureInfo.InvariantCulture);
                    var orgId = await scope.ServiceProvider.GetRequiredService<LoadSeeder>().SeedAsync(clients, deals);
                    if (args.Contains("--analytics"))
                    {
                        await SoulKg.Web.Features.Analytics.AnalyticsSeedCommand.RunAsync(scope.ServiceProvider, orgId, Option(args, "--chats"));
                    }
                }

                // Fresh statistics, so the planner picks the indexes at once (only the tables' owner may ANALYZE).
                if (app.Configuration.GetConnectionString("Owner") is { Length: > 0 } owner)
                {
                    await using var connection = new Npgsql.NpgsqlConnection(owner);
                    await connection.OpenAsync();
                    await using var analyze = new Npgsql.NpgsqlCommand("ANALYZE clients; ANALYZE client_contacts; ANALYZE deals; ANALYZE deal_stage_changes; ANALYZE conversations; ANALYZE messages; ANALYZE holder_changes;", connection);
                    await analyze.ExecuteNonQueryAsync();
                }

                return true;
            case "import":
                Environment.ExitCode = await Features.Import.ImportCommand.RunAsync(app.Services, args, Console.Out);
                return true;
            default:
                await Console.Error.WriteLineAsync($"Unknown command '{command}'. Commands: migrate, seed-demo, seed-load [--clients N] [--deals N] [--analytics [--chats N]], {Features.Import.ImportCommand.Usage}.");
                Environment.ExitCode = 2;
                return true;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
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
