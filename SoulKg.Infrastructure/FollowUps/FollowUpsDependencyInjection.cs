using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using SoulKg.Domain.FollowUps;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Scheduling;

namespace SoulKg.Infrastructure.FollowUps;

public static class FollowUpsDependencyInjection
{
    /// <summary>
    /// Follow-ups and the Quartz scheduler they run on: a clustered ADO job store in the app's own PostgreSQL database
    /// (tables from our migrations), instance ids generated, and a hosted service that lets running jobs finish on shutdown.
    /// </summary>
    public static IHostApplicationBuilder AddSoulKgFollowUps(this IHostApplicationBuilder builder, string connectionString)
    {
        var services = builder.Services;
        var options = builder.Configuration.GetSection(SchedulerOptions.Section).Get<SchedulerOptions>() ?? new SchedulerOptions();
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section);

        services.AddSingleton<FollowUpTriggers>();
        services.AddScoped<FollowUpSender>();
        services.AddScoped<FollowUpService>();
        services.AddScoped<FollowUpPlanner>();
        services.AddScoped<IInboundReaction, FollowUpInboundReaction>();
        services.AddSingleton<IFollowUpScheduler, QuartzFollowUpScheduler>();
        services.AddSingleton<FollowUpPlannerListener>();
        services.AddHostedService(sp => sp.GetRequiredService<FollowUpPlannerListener>());

        builder.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = options.Name;
                s.IdleWaitTime = options.IdleWaitTime;
            });
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.UseClustering(c =>
                {
                    c.CheckinInterval = options.CheckinInterval;
                    c.CheckinMisfireThreshold = options.CheckinInterval * 2;
                });
                store.ConfigureStore(s =>
                {
                    s.TablePrefix = QuartzSchema.TablePrefix;
                    s.MisfireThreshold = options.MisfireThreshold;
                });
            });
            q.AddJobType<FollowUpJob>();
            q.ScheduleJob<AutoReturnJob>(
                t => t.WithIdentity("auto-return", "maintenance").StartNow().WithSimpleSchedule(s => s.WithInterval(options.AutoReturnInterval).RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                j => j.WithIdentity(AutoReturnJob.Key));
            q.ScheduleJob<FollowUpSweepJob>(
                t => t.WithIdentity("follow-up-sweep", "maintenance").StartNow().WithSimpleSchedule(s => s.WithInterval(options.SweepInterval).RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                j => j.WithIdentity(FollowUpSweepJob.Key));
            q.AddSoulKgHandoffJobs(builder.Configuration);
        });
        if (options.Enabled)
        {
            builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        }

        return builder;
    }
}
