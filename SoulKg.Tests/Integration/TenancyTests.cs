using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Integration;

/// <summary>
/// Row-level security, proved from the database catalogue rather than from a list of tables: every table with an
/// <c>org_id</c> column is covered, including ones added after these tests were written.
/// </summary>
public sealed class TenancyTests(TenancyFixture app) : IClassFixture<TenancyFixture>
{
    private const string RlsViolation = "42501";

    private Guid OrgA => app.OrgA.OrgId;

    private Guid OrgB => app.OrgB.OrgId;

    [Fact]
    public async Task EveryTableWithOrgIdForcesRowLevelSecurityWithAPolicy()
    {
        await using var connection = await Sql.OpenAsync(app.Database.AdminConnectionString);

        var tables = await connection.ListAsync(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped)
            """,
            r => (Name: r.GetString(0), Enabled: r.GetBoolean(1), Forced: r.GetBoolean(2), Policies: r.GetInt64(3)));

        tables.Select(t => t.Name).ShouldContain("memberships");
        tables.Select(t => t.Name).ShouldContain("audit_log");
        var unprotected = tables.Where(t => !t.Enabled || !t.Forced || t.Policies == 0)
            .Select(t => $"{t.Name} (enabled={t.Enabled}, forced={t.Forced}, policies={t.Policies})")
            .ToList();
        unprotected.ShouldBeEmpty("Call migrationBuilder.EnableOrgIsolation(table) in the migration of: " + string.Join(", ", unprotected));
    }

    [Fact]
    public async Task EveryTenantTableHoldsARowOfOrgAForTheseTests()
    {
        app.SeedFailures.ShouldBeEmpty(
            "These tables could not be given a row generated from the catalogue; seed them in TenancyFixture: "
            + string.Join("; ", app.SeedFailures.Select(f => $"{f.Key}: {f.Value}")));

        foreach (var table in app.OrgTables)
        {
            (await CountAsAdminAsync(table, OrgA)).ShouldBeGreaterThan(0, table.Name);
        }
    }

    [Fact]
    public async Task AnotherOrgSeesNoRowOfOrgA()
    {
        await using var connection = await Sql.OpenAsync(app.Database.AppConnectionString, OrgB, app.OrgB.UserId);
        var leaks = new List<string>();

        foreach (var table in app.OrgTables)
        {
            var foreign = await connection.ScalarAsync<long>($"SELECT count(*) FROM {table.Quoted} WHERE org_id IS DISTINCT FROM @b", ("b", OrgB));
            if (foreign > 0 || await CountAsAdminAsync(table, OrgA) == 0)
            {
                leaks.Add($"{table.Name}: {foreign} foreign row(s) visible");
            }
        }

        leaks.ShouldBeEmpty();
    }

    [Fact]
    public async Task AnotherOrgCannotUpdateOrDeleteRowsOfOrgA()
    {
        await using var connection = await Sql.OpenAsync(app.Database.AppConnectionString, OrgB, app.OrgB.UserId);
        var failures = new List<string>();

        foreach (var table in app.OrgTables)
        {
            var ownRows = await CountAsAdminAsync(table, OrgB);
            await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
            var updatedOfA = await connection.ExecuteAsync($"UPDATE {table.Quoted} SET org_id = org_id WHERE org_id = @a", ("a", OrgA));
            var updatedAll = await connection.ExecuteAsync($"UPDATE {table.Quoted} SET org_id = org_id");
            var deletedOfA = await connection.ExecuteAsync($"DELETE FROM {table.Quoted} WHERE org_id = @a", ("a", OrgA));
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);

            if (updatedOfA != 0 || deletedOfA != 0 || updatedAll != ownRows)
            {
                failures.Add($"{table.Name}: updated {updatedOfA} and deleted {deletedOfA} rows of A; an unfiltered update touched {updatedAll} rows, B has {ownRows}");
            }
        }

        failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task AnotherOrgCannotInsertRowsClaimingOrgA()
    {
        await using var connection = await Sql.OpenAsync(app.Database.AppConnectionString, OrgB, app.OrgB.UserId);
        var accepted = new List<string>();

        foreach (var table in app.OrgTables)
        {
            var error = await TryAsync(connection, table.InsertSql(), ("org", OrgA));
            if (error?.SqlState != RlsViolation)
            {
                accepted.Add($"{table.Name}: {error?.MessageText ?? "inserted"}");
            }
        }

        app.OrgTables.Select(t => t.Name).ShouldContain("memberships");
        app.OrgTables.Select(t => t.Name).ShouldContain("audit_log");
        accepted.ShouldBeEmpty("Row-level security must refuse these inserts");
    }

    [Fact]
    public async Task AnotherOrgCannotMoveItsOwnRowsIntoOrgA()
    {
        await using var connection = await Sql.OpenAsync(app.Database.AppConnectionString, OrgB, app.OrgB.UserId);
        var checkedTables = new List<string>();
        var accepted = new List<string>();

        foreach (var table in app.OrgTables.Where(t => t.Name is "memberships" or "audit_log"))
        {
            (await CountAsAdminAsync(table, OrgB)).ShouldBeGreaterThan(0, table.Name);
            var error = await TryAsync(connection, $"UPDATE {table.Quoted} SET org_id = @a WHERE org_id = @b", ("a", OrgA), ("b", OrgB));
            checkedTables.Add(table.Name);
            if (error?.SqlState != RlsViolation)
            {
                accepted.Add($"{table.Name}: {error?.MessageText ?? "updated"}");
            }
        }

        checkedTables.ShouldBe(["audit_log", "memberships"], ignoreOrder: true);
        accepted.ShouldBeEmpty();
    }

    [Fact]
    public async Task ConnectionWithoutAnOrgSeesNoRows()
    {
        await using var connection = await Sql.OpenAsync(app.Database.AppConnectionString);
        var visible = new List<string>();

        foreach (var name in app.OrgTables.Select(t => t.Quoted).Append("organizations"))
        {
            (await Sql.ScalarAsync<long>(app.Database.AdminConnectionString, $"SELECT count(*) FROM {name}")).ShouldBeGreaterThan(0, name);
            var count = await connection.ScalarAsync<long>($"SELECT count(*) FROM {name}");
            if (count > 0)
            {
                visible.Add($"{name}: {count}");
            }
        }

        visible.ShouldBeEmpty();
    }

    [Fact]
    public async Task OrganizationsTableShowsOnlyTheCurrentOrg()
    {
        await using var connection = await Sql.OpenAsync(app.Database.AppConnectionString, OrgB, app.OrgB.UserId);

        var visible = await connection.ListAsync("SELECT id FROM organizations", r => r.GetGuid(0));
        var renamed = await connection.ExecuteAsync("UPDATE organizations SET name = 'взлом' WHERE id = @a", ("a", OrgA));
        var insert = await TryAsync(connection,
            "INSERT INTO organizations (id, name, time_zone, default_currency, created_at) VALUES (gen_random_uuid(), 'чужая', 'Asia/Bishkek', 'KGS', now())");

        visible.ShouldBe([OrgB]);
        renamed.ShouldBe(0);
        insert.ShouldNotBeNull().SqlState.ShouldBe(RlsViolation);
        (await Sql.ScalarAsync<string>(app.Database.AdminConnectionString, "SELECT name FROM organizations WHERE id = @a", ("a", OrgA)))
            .ShouldBe(app.OrgA.OrgName);
    }

    [Fact]
    public async Task PersonWithoutAnOrgReadsOnlyTheirOwnMemberships()
    {
        await using var owner = await Sql.OpenAsync(app.Database.AppConnectionString, userId: app.OrgA.UserId);
        await using var stranger = await Sql.OpenAsync(app.Database.AppConnectionString, userId: Guid.NewGuid());

        var own = await owner.ListAsync("SELECT org_id, user_id FROM memberships", r => (Org: r.GetGuid(0), User: r.GetGuid(1)));
        var insert = await TryAsync(owner, "INSERT INTO memberships (id, org_id, user_id, role, is_active, created_at) VALUES (gen_random_uuid(), @a, @u, 'Owner', true, now())",
            ("a", OrgA), ("u", app.OrgA.UserId));

        (await Sql.ScalarAsync<long>(app.Database.AdminConnectionString, "SELECT count(*) FROM memberships WHERE org_id = @a", ("a", OrgA))).ShouldBe(2);
        own.ShouldBe([(OrgA, app.OrgA.UserId)]);
        (await stranger.ScalarAsync<long>("SELECT count(*) FROM memberships")).ShouldBe(0);
        insert.ShouldNotBeNull().SqlState.ShouldBe(RlsViolation);
    }

    [Fact]
    public async Task AppQueriesIgnoringTheEfFilterStillSeeOnlyTheCurrentOrg()
    {
        var asB = await CountOrgARowsThroughTheAppAsync(app.OrgB);
        var asA = await CountOrgARowsThroughTheAppAsync(app.OrgA);

        asB.ShouldBe((0, 0, 0));
        asA.Memberships.ShouldBe(2);
        asA.AuditEntries.ShouldBeGreaterThan(0);
        asA.Organizations.ShouldBe(1);
    }

    [Fact]
    public async Task AppRoleIsNeitherSuperuserNorBypassesRowLevelSecurityAndOwnsNoTable()
    {
        await using var connection = await Sql.OpenAsync(app.Database.AdminConnectionString);

        var role = (await connection.ListAsync("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = @r",
            r => (Super: r.GetBoolean(0), Bypass: r.GetBoolean(1)), ("r", PostgresDatabase.AppRole))).ShouldHaveSingleItem();
        var owned = await connection.ListAsync(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = @r",
            r => r.GetString(0), ("r", PostgresDatabase.AppRole));

        role.Super.ShouldBeFalse();
        role.Bypass.ShouldBeFalse();
        owned.ShouldBeEmpty();
        PostgresDatabase.AppRole.ShouldNotBe(PostgresDatabase.OwnerRole);
    }

    private async Task<(int Memberships, int AuditEntries, int Organizations)> CountOrgARowsThroughTheAppAsync(TestAccount viewer)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetUser(viewer.OrgId, viewer.UserId, OrgRole.Owner, "viewer");
        var db = scope.ServiceProvider.GetRequiredService<SoulKgDbContext>();
        var ct = TestContext.Current.CancellationToken;
        return (
            await db.Memberships.IgnoreQueryFilters().CountAsync(m => m.OrgId == OrgA, ct),
            await db.AuditEntries.IgnoreQueryFilters().CountAsync(a => a.OrgId == OrgA, ct),
            await db.Organizations.IgnoreQueryFilters().CountAsync(o => o.Id == OrgA, ct));
    }

    private Task<long> CountAsAdminAsync(OrgTable table, Guid orgId) =>
        Sql.ScalarAsync<long>(app.Database.AdminConnectionString, $"SELECT count(*) FROM {table.Quoted} WHERE org_id = @org", ("org", orgId));

    /// <summary>Runs a statement in a transaction that is always rolled back; returns the database error, if any.</summary>
    private static async Task<PostgresException?> TryAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        try
        {
            await connection.ExecuteAsync(sql, parameters);
            return null;
        }
        catch (PostgresException e)
        {
            return e;
        }
        finally
        {
            await transaction.RollbackAsync();
        }
    }
}
