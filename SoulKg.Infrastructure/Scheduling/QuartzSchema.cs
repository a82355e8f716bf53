using Quartz;

namespace SoulKg.Infrastructure.Scheduling;

/// <summary>
/// Quartz's own PostgreSQL schema, as the Quartz package we run ships it (the script its job store would run for
/// itself). Our migration executes it, so the tables exist before any app instance starts and the migrator's grants
/// cover them. Every statement is CREATE … IF NOT EXISTS: safe on a database that already has them.
/// </summary>
public static class QuartzSchema
{
    /// <summary>Lower case, so the names need no quoting in psql (C5).</summary>
    public const string TablePrefix = "qrtz_";

    private const string Resource = "Quartz.Impl.AdoJobStore.Schema.create_postgres.sql";

    public static string PostgresDdl()
    {
        using var stream = typeof(IScheduler).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The Quartz package no longer ships {Resource}; see docs/follow-ups.md, Upgrading Quartz.");
        using var reader = new StreamReader(stream);
        // {0} is the table prefix, {1} the same without a schema qualifier (index names); ours has none.
        return reader.ReadToEnd().Replace("{0}", TablePrefix, StringComparison.Ordinal).Replace("{1}", TablePrefix, StringComparison.Ordinal);
    }

    /// <summary>The tables the DDL creates, children first, for the migration's Down.</summary>
    public static IReadOnlyList<string> Tables { get; } =
    [
        "simple_triggers", "cron_triggers", "simprop_triggers", "blob_triggers", "triggers", "job_details", "calendars",
        "paused_trigger_grps", "paused_job_grps", "fired_triggers", "scheduler_state", "locks", "execution_history",
        "misfire_history", "job_status",
    ];
}
