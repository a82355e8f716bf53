namespace SoulKg.Infrastructure.Scheduling;

/// <summary>The Quartz scheduler of the app: configuration section <c>Scheduler</c> (README, Configuration).</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>Off only for tools that must not fire jobs (the migrate command); the web app always schedules.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The cluster's name: the same on every instance of one deployment (they share jobs through it), different for two
    /// deployments on one database. Instance ids are generated (AUTO).
    /// </summary>
    public string Name { get; set; } = "SoulKg";

    /// <summary>How late a trigger may fire before it counts as misfired and its misfire instruction applies.</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often each instance checks in; a silent instance's jobs are recovered by another after about two of these.</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an idle scheduler waits before looking for triggers another instance added (its own wake it at once).</summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often chats held by a silent operator are looked at (for organisations that switched it on).</summary>
    public TimeSpan AutoReturnInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often pending follow-ups are checked for a lost trigger (a crash between the row and the trigger).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);
}
