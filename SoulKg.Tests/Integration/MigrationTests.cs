using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Demo;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Integration;

public sealed class MigrationTests : IAsyncLifetime
{
    private PostgresDatabase _database = null!;

    public async ValueTask InitializeAsync() => _database = await PostgresDatabase.CreateEmptyAsync();

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task MigratorIsIdempotent()
    {
        var migrator = new DatabaseMigrator(Configuration(), NullLogger<DatabaseMigrator>.Instance);

        await migrator.MigrateAsync(TestContext.Current.CancellationToken);
        var schemaAfterFirst = await SchemaFingerprintAsync();
        await migrator.MigrateAsync(TestContext.Current.CancellationToken);

        (await SchemaFingerprintAsync()).ShouldBe(schemaAfterFirst);
        await using var db = new SoulKgDbContext(NpgsqlOptions.For(_database.OwnerConnectionString), new OrgContext());
        (await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken)).ShouldBeEmpty();
        (await db.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken)).ShouldBe(db.Database.GetMigrations());
        await ShouldBeUsableByTheAppRoleAsync();
    }

    [Fact]
    public async Task MigrateAndSeedDemoCommandsOfTheAppBinaryCanRunTwice()
    {
        var runs = new List<(int ExitCode, string Output)>
        {
            await RunAppAsync("migrate"),
            await RunAppAsync("migrate"),
            await RunAppAsync("seed-demo"),
            await RunAppAsync("seed-demo"),
        };

        foreach (var (exitCode, output) in runs)
        {
            exitCode.ShouldBe(0, output);
        }

        await ShouldBeUsableByTheAppRoleAsync();
        var admin = _database.AdminConnectionString;
        (await Sql.ScalarAsync<long>(admin, "SELECT count(*) FROM memberships WHERE org_id = @o", ("o", DemoSeeder.DemoOrgId)))
            .ShouldBe(DemoSeeder.DemoUsers.Count);
        (await Sql.ScalarAsync<long>(admin, "SELECT count(*) FROM users")).ShouldBe(DemoSeeder.DemoUsers.Count);
        (await Sql.ScalarAsync<long>(admin, "SELECT count(*) FROM organizations")).ShouldBe(1);
    }

    [Fact]
    public async Task UnknownCommandExitsWithCode2()
    {
        var (exitCode, output) = await RunAppAsync("frobnicate");

        exitCode.ShouldBe(2, output);
        output.ShouldContain("Unknown command 'frobnicate'");
    }

    private IConfiguration Configuration() =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = _database.AppConnectionString,
            ["ConnectionStrings:Owner"] = _database.OwnerConnectionString,
        }).Build();

    /// <summary>Tables, policies and grants: what a second run must leave exactly as the first one did.</summary>
    private async Task<string> SchemaFingerprintAsync()
    {
        await using var connection = await Sql.OpenAsync(_database.AdminConnectionString);
        var tables = await connection.ListAsync(
            "SELECT c.relname || ':' || c.relrowsecurity || c.relforcerowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1",
            r => r.GetString(0));
        var policies = await connection.ListAsync("SELECT tablename || '.' || policyname || ':' || coalesce(qual, '') FROM pg_policies ORDER BY 1", r => r.GetString(0));
        var grants = await connection.ListAsync(
            "SELECT table_name || ':' || privilege_type FROM information_schema.role_table_grants WHERE grantee = @r ORDER BY 1",
            r => r.GetString(0), ("r", PostgresDatabase.AppRole));
        var history = await connection.ListAsync("SELECT migration_id FROM \"__EFMigrationsHistory\" ORDER BY 1", r => r.GetString(0));
        tables.ShouldNotBeEmpty();
        policies.ShouldNotBeEmpty();
        return string.Join("\n", [.. tables, .. policies, .. grants, .. history]);
    }

    private async Task ShouldBeUsableByTheAppRoleAsync()
    {
        await using var app = await Sql.OpenAsync(_database.AppConnectionString);
        (await app.ScalarAsync<long>("SELECT count(*) FROM memberships")).ShouldBe(0); // readable, and RLS hides every row
        (await app.ScalarAsync<bool>("SELECT has_table_privilege(current_user, 'audit_log', 'INSERT')")).ShouldBeTrue();
        (await app.ScalarAsync<bool>("SELECT has_table_privilege(current_user, '\"__EFMigrationsHistory\"', 'INSERT')")).ShouldBeFalse();
    }

    /// <summary>Runs the app's own binary with a maintenance command, as a deploy step would.</summary>
    private async Task<(int ExitCode, string Output)> RunAppAsync(string command)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SoulKg.Web.dll"));
        start.ArgumentList.Add(command);
        start.Environment["ConnectionStrings__Default"] = _database.AppConnectionString;
        start.Environment["ConnectionStrings__Owner"] = _database.OwnerConnectionString;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["SoulKg__DataPath"] = Path.Combine(Path.GetTempPath(), "soulkg-tests", Guid.NewGuid().ToString("N"));

        using var process = Process.Start(start).ShouldNotBeNull();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
