using Microsoft.Extensions.Configuration;
using Quartz;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Handoffs;

namespace Microsoft.Extensions.DependencyInjection;

public static class HandoffsDependencyInjection
{
    /// <summary>Partner handoff: the service, the responder (link, WhatsApp "да"/"нет") and the SLA service its Quartz job calls.</summary>
    public static IServiceCollection AddSoulKgHandoffs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<HandoffService>();
        services.AddSingleton<HandoffResponder>();
        services.AddSingleton<IPartnerReplyReaction>(sp => sp.GetRequiredService<HandoffResponder>());
        services.AddSingleton<HandoffSlaService>();
        return services;
    }

    /// <summary>
    /// The SLA sweep as a job of the app's scheduler (called from its <c>AddQuartz</c>). <c>Handoffs:Sweep=false</c> leaves
    /// it out (tests that call <see cref="HandoffSlaService.SweepAsync"/> with the time they want);
    /// <c>Handoffs:SweepInterval</c> sets how often it runs.
    /// </summary>
    public static IQuartzBuilder AddSoulKgHandoffJobs(this IQuartzBuilder quartz, IConfiguration configuration)
    {
        if (!configuration.GetValue("Handoffs:Sweep", true))
        {
            return quartz;
        }

        var interval = configuration.GetValue("Handoffs:SweepInterval", TimeSpan.FromMinutes(1));
        return quartz.ScheduleJob<HandoffSweepJob>(
            t => t.WithIdentity("handoff-sla", "maintenance").StartNow().WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
            j => j.WithIdentity(HandoffSweepJob.Key));
    }
}
