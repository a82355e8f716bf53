using Microsoft.EntityFrameworkCore.Migrations;

namespace SoulKg.Infrastructure.Data;

/// <summary>
/// The change feed lives in the database, so every writer (the app, the API, agents, imports, jobs, raw SQL) publishes
/// the same way: a row trigger numbers the change per organisation, keeps it in <c>change_log</c> and sends
/// <c>NOTIFY soulkg_changes</c> inside the writing transaction. PostgreSQL delivers it only if the transaction commits.
/// </summary>
public static class ChangeFeedMigrations
{
    public static void CreateChangeFeedFunction(this MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            CREATE OR REPLACE FUNCTION app_publish_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            DECLARE
                rec jsonb;
                data jsonb := '{}'::jsonb;
                seq bigint;
                kind text;
                i int;
            BEGIN
                IF current_setting('app.bulk', true) = 'on' THEN
                    RETURN NULL;
                END IF;
                IF TG_OP = 'UPDATE' AND OLD IS NOT DISTINCT FROM NEW THEN
                    RETURN NULL;
                END IF;
                IF TG_OP = 'DELETE' THEN
                    rec := to_jsonb(OLD); kind := 'D';
                ELSIF TG_OP = 'INSERT' THEN
                    rec := to_jsonb(NEW); kind := 'I';
                ELSE
                    rec := to_jsonb(NEW); kind := 'U';
                END IF;
                FOR i IN 1 .. TG_NARGS - 1 LOOP
                    data := data || jsonb_build_object(TG_ARGV[i], rec -> TG_ARGV[i]);
                END LOOP;

                INSERT INTO org_change_counters AS c (org_id, last_seq) VALUES ((rec ->> 'org_id')::uuid, 1)
                    ON CONFLICT (org_id) DO UPDATE SET last_seq = c.last_seq + 1
                    RETURNING c.last_seq INTO seq;
                INSERT INTO change_log (org_id, seq, entity, entity_id, kind, data, at)
                    VALUES ((rec ->> 'org_id')::uuid, seq, TG_ARGV[0], (rec ->> 'id')::uuid, kind, data, now());
                PERFORM pg_notify('soulkg_changes', jsonb_build_object(
                    'o', rec ->> 'org_id', 's', seq, 'e', TG_ARGV[0], 'i', rec ->> 'id', 'k', kind, 'd', data)::text);
                RETURN NULL;
            END $$;
            """);

    /// <summary>Publishes every insert, update and delete of <paramref name="table"/> with the given columns as data.</summary>
    public static void PublishChanges(this MigrationBuilder migrationBuilder, string table, string entity, params string[] dataColumns)
    {
        var args = string.Join(", ", new[] { entity }.Concat(dataColumns).Select(a => $"'{a}'"));
        migrationBuilder.Sql($"""
            DROP TRIGGER IF EXISTS publish_change ON {table};
            CREATE TRIGGER publish_change AFTER INSERT OR UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION app_publish_change({args});
            """);
    }
}
