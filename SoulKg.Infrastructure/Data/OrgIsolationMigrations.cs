using Microsoft.EntityFrameworkCore.Migrations;

namespace SoulKg.Infrastructure.Data;

/// <summary>Row-level security helpers for migrations; see docs/security.md.</summary>
public static class OrgIsolationMigrations
{
    /// <summary>
    /// ENABLE + FORCE row-level security on a tenant-owned table with one policy for reads and writes: a row is
    /// visible and writable only when its <c>org_id</c> equals the connection's <c>app.org_id</c>.
    /// FORCE makes the policy bind the table owner too; only superusers and BYPASSRLS roles escape it.
    /// </summary>
    public static void EnableOrgIsolation(this MigrationBuilder migrationBuilder, string table, string? extraReadCondition = null)
    {
        var read = extraReadCondition is null ? "org_id = app_current_org()" : $"org_id = app_current_org() OR ({extraReadCondition})";
        migrationBuilder.Sql($"""
            ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
            DROP POLICY IF EXISTS org_isolation ON {table};
            CREATE POLICY org_isolation ON {table} USING ({read}) WITH CHECK (org_id = app_current_org());
            """);
    }

    public static void CreateOrgFunctions(this MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            CREATE OR REPLACE FUNCTION app_current_org() RETURNS uuid
                LANGUAGE sql STABLE PARALLEL SAFE
                AS $$ SELECT nullif(current_setting('app.org_id', true), '')::uuid $$;
            CREATE OR REPLACE FUNCTION app_current_user() RETURNS uuid
                LANGUAGE sql STABLE PARALLEL SAFE
                AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;
            """);
}
