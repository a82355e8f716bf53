using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SoulKg.Infrastructure.Data;

namespace SoulKg.Tests.TestInfrastructure;

/// <summary>
/// A throw-away database on the test server. The first one of a run migrates a template database with the app's own
/// <see cref="DatabaseMigrator"/> (as the owner role, grants to the app role included); every further one is a
/// <c>CREATE DATABASE … TEMPLATE</c> copy of it, which takes a fraction of a second.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private const string ClassPrefix = "soulkg_t_";
    private const string TemplatePrefix = "soulkg_tpl_";
    private const string EmptyPrefix = "soulkg_t_empty_";
    private const string StampFormat = "yyyyMMddHHmmss";

    // CREATE DATABASE … TEMPLATE fails while anything else is connected to the template; one at a time is plenty fast.
    private static readonly SemaphoreSlim CreateGate = new(1, 1);
    private static readonly Lock TemplateLock = new();
    private static Task<string>? _template;

    private PostgresDatabase(string name) => Name = name;

    public string Name { get; }

    public string OwnerConnectionString => WithDatabase(TestSettings.OwnerConnectionString, Name);

    public string AppConnectionString => WithDatabase(TestSettings.AppConnectionString, Name);

    public string AdminConnectionString => WithDatabase(TestSettings.AdminConnectionString, Name);

    public static string OwnerRole => new NpgsqlConnectionStringBuilder(TestSettings.OwnerConnectionString).Username!;

    public static string AppRole => new NpgsqlConnectionStringBuilder(TestSettings.AppConnectionString).Username!;

    /// <summary>A migrated database of its own, copied from the run's template.</summary>
    public static async Task<PostgresDatabase> CreateAsync()
    {
        var template = await EnsureTemplateAsync();
        return await CreateCoreAsync(ClassPrefix, $"TEMPLATE {Quote(template)}");
    }

    /// <summary>A database with no tables at all, for tests of the migrator itself.</summary>
    public static Task<PostgresDatabase> CreateEmptyAsync() => CreateCoreAsync(EmptyPrefix, "");

    public async ValueTask DisposeAsync() => await DropAsync(Name);

    /// <summary>Drops the run's template, if this run made one. Called once at the end of the run.</summary>
    internal static async Task DropTemplateAsync()
    {
        Task<string>? template;
        lock (TemplateLock)
        {
            template = _template;
        }

        if (template is { IsCompletedSuccessfully: true })
        {
            await DropAsync(template.Result);
        }
    }

    public static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    private static async Task<PostgresDatabase> CreateCoreAsync(string prefix, string clause)
    {
        var name = NewName(prefix);
        await CreateGate.WaitAsync();
        try
        {
            await ExecuteAsync(MaintenanceConnection(TestSettings.OwnerConnectionString),
                $"CREATE DATABASE {Quote(name)} {clause} OWNER {Quote(OwnerRole)}");
        }
        finally
        {
            CreateGate.Release();
        }

        return new PostgresDatabase(name);
    }

    private static Task<string> EnsureTemplateAsync()
    {
        lock (TemplateLock)
        {
            if (_template is null || _template.IsFaulted || _template.IsCanceled)
            {
                _template = Task.Run(CreateTemplateAsync);
            }

            return _template;
        }
    }

    private static async Task<string> CreateTemplateAsync()
    {
        await DropStaleAsync();
        var name = NewName(TemplatePrefix);
        await ExecuteAsync(MaintenanceConnection(TestSettings.OwnerConnectionString), $"CREATE DATABASE {Quote(name)} OWNER {Quote(OwnerRole)}");

        // No pooling: an idle pooled connection to the template would block every CREATE DATABASE … TEMPLATE.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Default"] = NoPooling(WithDatabase(TestSettings.AppConnectionString, name)),
                ["ConnectionStrings:Owner"] = NoPooling(WithDatabase(TestSettings.OwnerConnectionString, name)),
            })
            .Build();
        await new DatabaseMigrator(configuration, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        return name;
    }

    /// <summary>Databases of runs that crashed before cleaning up; a day old is safely not a run in progress.</summary>
    private static async Task DropStaleAsync()
    {
        var cutoff = DateTime.UtcNow.AddDays(-1);
        var stale = new List<string>();
        await using (var connection = new NpgsqlConnection(MaintenanceConnection(TestSettings.AdminConnectionString)))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                @"SELECT datname FROM pg_database WHERE datname LIKE 'soulkg\_t\_%' OR datname LIKE 'soulkg\_tpl\_%'", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var name = reader.GetString(0);
                if (CreatedAt(name) is { } created && created < cutoff)
                {
                    stale.Add(name);
                }
            }
        }

        foreach (var name in stale)
        {
            await DropAsync(name);
        }
    }

    private static DateTime? CreatedAt(string name)
    {
        var rest = name.StartsWith(EmptyPrefix, StringComparison.Ordinal) ? name[EmptyPrefix.Length..]
            : name.StartsWith(TemplatePrefix, StringComparison.Ordinal) ? name[TemplatePrefix.Length..]
            : name.StartsWith(ClassPrefix, StringComparison.Ordinal) ? name[ClassPrefix.Length..]
            : null;
        return rest is { Length: >= 14 }
            && DateTime.TryParseExact(rest[..14], StampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var created)
            ? created
            : null;
    }

    private static async Task DropAsync(string name)
    {
        // The superuser may end the app's leftover connections (FORCE); the owner alone may not.
        await ExecuteAsync(MaintenanceConnection(TestSettings.AdminConnectionString), $"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)");
    }

    private static string NewName(string prefix) =>
        prefix + DateTime.UtcNow.ToString(StampFormat, CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N")[..8];

    private static string MaintenanceConnection(string connectionString) => NoPooling(WithDatabase(connectionString, "postgres"));

    private static string NoPooling(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
