using Quartz;
using SoulKg.Domain.FollowUps;

namespace SoulKg.Infrastructure.FollowUps;

/// <summary>
/// The Quartz side of follow-ups: one job and one trigger per conversation and kind, so scheduling again replaces the
/// trigger instead of adding a second one. The job carries only keys; the row in <c>follow_ups</c> is the truth.
/// </summary>
public sealed class FollowUpTriggers(ISchedulerFactory schedulers, TimeProvider clock)
{
    public const string Group = "follow-ups";

    public static JobKey JobKeyOf(Guid conversationId, FollowUpKind kind) => new($"{conversationId:N}.{kind}", Group);

    public static TriggerKey TriggerKeyOf(Guid conversationId, FollowUpKind kind) => new($"{conversationId:N}.{kind}", Group);

    public async Task ScheduleAsync(Guid orgId, Guid conversationId, FollowUpKind kind, DateTimeOffset dueAt, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var job = JobBuilder.Create<FollowUpJob>()
            .WithIdentity(JobKeyOf(conversationId, kind))
            .UsingJobData(FollowUpJob.OrgKey, orgId.ToString())
            .UsingJobData(FollowUpJob.ConversationKey, conversationId.ToString())
            .UsingJobData(FollowUpJob.KindKey, kind.ToString())
            // A node that dies mid-run: another runs it again; the row's status makes the second run a no-op if the first committed.
            .RequestRecovery()
            .Build();
        var trigger = TriggerBuilder.Create(clock)
            .WithIdentity(TriggerKeyOf(conversationId, kind))
            .ForJob(job)
            .StartAt(dueAt)
            // Missed while every instance was down (or busy past the misfire threshold): fire once, as soon as one is up.
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleJob(job, trigger, ScheduleJobOptions.Replacing, ct);
    }

    public async Task UnscheduleAsync(Guid conversationId, FollowUpKind kind, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.DeleteJob(JobKeyOf(conversationId, kind), ct);
    }

    public async Task<bool> ExistsAsync(Guid conversationId, FollowUpKind kind, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        return await scheduler.GetTrigger(TriggerKeyOf(conversationId, kind), ct) is not null;
    }
}
