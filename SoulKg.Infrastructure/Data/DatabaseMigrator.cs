using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Data;

/// <summary>
/// Applies the migrations as the owner role (<c>ConnectionStrings:Owner</c>, else <c>Default</c>), then grants
/// the app's runtime role (the user of <c>ConnectionStrings:Default</c>) data access and nothing more.
/// </summary>
public sealed partial class DatabaseMigrator(IConfiguration configuration, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var appConnection = configuration.GetConnectionString("Default") is { Length: > 0 } app
            ? app
            : throw new InvalidOperationException("ConnectionStrings:Default is not set.");
        var ownerConnection = configuration.GetConnectionString("Owner") is { Length: > 0 } owner ? owner : appConnection;

        await using (var db = new SoulKgDbContext(NpgsqlOptions.For(ownerConnection), new OrgContext()))
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            await db.Database.MigrateAsync(cancellationToken);
            logger.LogInformation("Database migrated: {Count} migration(s) applied", pending.Count);
        }

        await WarnIfSearchOperatorsLeakAsync(ownerConnection, cancellationToken);

        var appRole = new NpgsqlConnectionStringBuilder(appConnection).Username;
        var ownerRole = new NpgsqlConnectionStringBuilder(ownerConnection).Username;
        if (appRole is null || appRole == ownerRole)
        {
            logger.LogWarning("The app connects as the migration owner {Role}; FORCE ROW LEVEL SECURITY still applies, but a separate runtime role is safer", ownerRole);
            return;
        }

        if (!RoleName().IsMatch(appRole))
        {
            throw new InvalidOperationException($"Unexpected database role name '{appRole}'.");
        }

        await using var connection = new NpgsqlConnection(ownerConnection);
        await connection.OpenAsync(cancellationToken);
        await using var grant = connection.CreateCommand();
        grant.CommandText = $"""
            GRANT USAGE ON SCHEMA public TO "{appRole}";
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{appRole}";
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{appRole}";
            GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO "{appRole}";
            REVOKE INSERT, UPDATE, DELETE ON "__EFMigrationsHistory" FROM "{appRole}";
            """;
        await grant.ExecuteNonQueryAsync(cancellationToken);
        logger.LogInformation("Granted data access to runtime role {Role}", appRole);
    }

    /// <summary>
    /// Under row-level security PostgreSQL uses an index for a condition only when its operator is LEAKPROOF. LIKE and
    /// ILIKE are not marked so by default, which would turn every name or phone search into a scan of the whole
    /// organisation. Marking them needs a superuser once per database (scripts/run.sh does it for its own cluster).
    /// </summary>
    private async Task WarnIfSearchOperatorsLeakAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var check = connection.CreateCommand();
        check.CommandText = "SELECT bool_and(proleakproof) FROM pg_proc WHERE oid IN ('pg_catalog.textlike(text,text)'::regprocedure, 'pg_catalog.texticlike(text,text)'::regprocedure)";
        if (await check.ExecuteScalarAsync(cancellationToken) is not true)
        {
            logger.LogWarning("Client search will not use its trigram indexes under RLS. As a superuser, run in this database: {Sql}", SearchLeakproofSql);
        }
    }

    public const string SearchLeakproofSql =
        "ALTER FUNCTION pg_catalog.textlike(text, text) LEAKPROOF; ALTER FUNCTION pg_catalog.texticlike(text, text) LEAKPROOF;";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex RoleName();
}
