using Npgsql;
using SoulKg.Domain.Tenancy;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Integration;

/// <summary>A column of a tenant-owned table, as the catalogue describes it.</summary>
public sealed record CatalogueColumn(string Name, string Type, string Category, string TypeName, bool NotNull, bool HasDefault, bool IsEnum, int? MaxLength);

/// <summary>A table of the public schema that has an <c>org_id</c> column.</summary>
public sealed record OrgTable(string Name, IReadOnlyList<CatalogueColumn> Columns)
{
    public string Quoted => Sql.Quote(Name);

    /// <summary>
    /// An INSERT of one row claiming <c>@org</c>, built from the catalogue alone: every NOT NULL column without a default
    /// gets a value of its type. Foreign keys are not satisfied; callers either disable them (superuser, replica role)
    /// or expect row-level security to refuse the row before they are checked.
    /// </summary>
    public string InsertSql(IReadOnlyCollection<string>? alsoFill = null)
    {
        var columns = Columns.Where(c => c.Name == "org_id" || (c.NotNull && !c.HasDefault) || alsoFill?.Contains(c.Name) == true).ToList();
        var names = string.Join(", ", columns.Select(c => Sql.Quote(c.Name)));
        var values = string.Join(", ", columns.Select(c => c.Name == "org_id" ? "@org" : $"({ValueFor(c)})::{c.Type}"));
        return $"INSERT INTO {Quoted} ({names}) VALUES ({values})";
    }

    private static string ValueFor(CatalogueColumn column) =>
        column switch
        {
            { IsEnum: true } => $"(enum_range(NULL::{column.Type}))[1]",
            { TypeName: "uuid" } => "gen_random_uuid()",
            { TypeName: "json" or "jsonb" } => "'{}'",
            { TypeName: "bytea" } => @"'\x00'",
            { Category: "S" } => $"left(md5(random()::text), {Math.Min(column.MaxLength ?? 16, 16)})",
            { Category: "N" } => "1", // 1, not 0: satisfies the usual positive CHECKs (seats > 0, group_min >= 1)
            { Category: "B" } => "false",
            { Category: "D" } => "now()",
            { Category: "T" } => "'0'",
            { Category: "A" } => "'{}'",
            _ => "NULL",
        };
}

/// <summary>
/// Two organisations signed up through the app, and at least one row of organisation A in every tenant-owned table:
/// rows the app makes at sign-up, and for tables the app has not filled yet, a row generated from the catalogue.
/// </summary>
public sealed class TenancyFixture : SoulKgWebFactory
{
    public TestAccount OrgA { get; private set; } = null!;

    public TestAccount OrgB { get; private set; } = null!;

    public IReadOnlyList<OrgTable> OrgTables { get; private set; } = [];

    /// <summary>Tables that had no row of A after sign-up and could not be filled from the catalogue, with the reason.</summary>
    public IReadOnlyDictionary<string, string> SeedFailures { get; private set; } = new Dictionary<string, string>();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        OrgA = await CreateOrgAsync("Организация А");
        await CreateUserAsync(OrgA, OrgRole.Sales);
        OrgB = await CreateOrgAsync("Организация Б");
        OrgTables = await ReadOrgTablesAsync(Database.AdminConnectionString);
        SeedFailures = await SeedEmptyTablesAsync();
    }

    public static async Task<IReadOnlyList<OrgTable>> ReadOrgTablesAsync(string connectionString)
    {
        await using var connection = await Sql.OpenAsync(connectionString);
        var columns = await connection.ListAsync(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), t.typcategory::text, t.typname::text, a.attnotnull,
                   a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '', t.typtype = 'e',
                   CASE WHEN t.typname IN ('varchar', 'bpchar') AND a.atttypmod > 4 THEN a.atttypmod - 4 END
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type t ON t.oid = a.atttypid
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
              AND EXISTS (SELECT 1 FROM pg_attribute o WHERE o.attrelid = c.oid AND o.attname = 'org_id' AND NOT o.attisdropped)
            ORDER BY c.relname, a.attnum
            """,
            r => (Table: r.GetString(0), Column: new CatalogueColumn(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                r.GetBoolean(5), r.GetBoolean(6), r.GetBoolean(7), r.IsDBNull(8) ? null : r.GetInt32(8))));
        return [.. columns.GroupBy(c => c.Table).Select(g => new OrgTable(g.Key, [.. g.Select(c => c.Column)]))];
    }

    /// <summary>Nullable columns a CHECK still needs: a conversation has a client or a partner (ck_conversations_client_or_partner).</summary>
    private static readonly Dictionary<string, string[]> AlsoFill = new() { ["conversations"] = ["client_id"] };

    private async Task<IReadOnlyDictionary<string, string>> SeedEmptyTablesAsync()
    {
        var failures = new Dictionary<string, string>();
        await using var connection = await Sql.OpenAsync(Database.AdminConnectionString);
        foreach (var table in OrgTables)
        {
            if (await connection.ScalarAsync<long>($"SELECT count(*) FROM {table.Quoted} WHERE org_id = @org", ("org", OrgA.OrgId)) > 0)
            {
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync();
            try
            {
                // The superuser in replica mode skips foreign keys and triggers: the row only has to exist.
                await connection.ExecuteAsync("SET LOCAL session_replication_role = replica");
                await connection.ExecuteAsync(table.InsertSql(AlsoFill.GetValueOrDefault(table.Name)), ("org", OrgA.OrgId));
                await transaction.CommitAsync();
            }
            catch (PostgresException e)
            {
                await transaction.RollbackAsync();
                failures[table.Name] = e.MessageText;
            }
        }

        return failures;
    }
}
