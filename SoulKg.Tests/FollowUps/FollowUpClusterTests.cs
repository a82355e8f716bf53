using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Scheduling;

namespace SoulKg.Tests.FollowUps;

/// <summary>
/// Exactly once across instances: two app instances (each with its own clustered Quartz scheduler) on one database,
/// and a follow-up that came due while every instance was down.
/// </summary>
public sealed class FollowUpClusterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoSchedulersOnOneDatabaseSendEachFollowUpOnce()
    {
        await using var first = new FollowUpsWebFactory();
        await first.InitializeAsync();
        await using var second = new FollowUpsWebFactory { SharedDatabase = first.Database };
        await second.InitializeAsync();
        _ = first.Services;
        _ = second.Services;

        var org = await first.CreateOrgAsync();
        Guid channelId;
        await using (var scope = first.SystemScope(org.OrgId))
        {
            channelId = (await scope.ServiceProvider.GetRequiredService<ChannelService>().CreateAsync("Песочница", ChannelMode.Sandbox, ct: Ct)).Id;
        }

        var due = DateTimeOffset.UtcNow.AddSeconds(5);
        var conversations = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            var chat = await first.ClientWritesAsync(org.OrgId, channelId, FollowUpsWebFactory.RandomPhone()[1..] + "@c.us", "Здравствуйте");
            var conversationId = chat.ConversationId!.Value;
            conversations.Add(conversationId);
            // Half are scheduled through each instance; either scheduler may fire any of them.
            var scheduler = (i % 2 == 0 ? first : second).Services.GetRequiredService<IFollowUpScheduler>();
            await scheduler.ScheduleAsync(new FollowUpRequest(org.OrgId, conversationId, FollowUpKind.QuietClient, due, "Напоминание " + i, "тест"), Ct);
        }

        var ids = await first.ReadAsync(org.OrgId, db => db.FollowUps.Where(f => conversations.Contains(f.ConversationId)).Select(f => f.Id).ToListAsync(Ct));
        ids.Count.ShouldBe(8);
        foreach (var id in ids)
        {
            (await first.SettledAsync(org.OrgId, id)).Status.ShouldBe(FollowUpStatus.Sent);
        }

        var sent = await first.ReadAsync(org.OrgId, db => db.Messages.Where(m => conversations.Contains(m.ConversationId) && m.Author == MessageAuthor.System)
            .GroupBy(m => m.ConversationId).Select(g => g.Count()).ToListAsync(Ct));
        sent.Count.ShouldBe(8);
        sent.ShouldAllBe(count => count == 1);
        (await SchedulerInstancesAsync(first.Database.AppConnectionString)).ShouldBe(2);
    }

    [Fact]
    public async Task AFollowUpThatCameDueWhileEveryInstanceWasDownFiresOnceAfterTheRestart()
    {
        // Owns the database only; it is never started, so no scheduler of its own runs.
        await using var owner = new FollowUpsWebFactory();
        await owner.InitializeAsync();
        var misfire = TimeSpan.FromSeconds(1);
        Guid orgId, conversationId, followUpId;
        DateTimeOffset due;
        await using (var before = new FollowUpsWebFactory { SharedDatabase = owner.Database, MisfireThreshold = misfire })
        {
            await before.InitializeAsync();
            var (org, chat) = await before.ChatAsync();
            (orgId, conversationId) = (org.OrgId, chat);
            due = DateTimeOffset.UtcNow.AddSeconds(4);
            await before.Services.GetRequiredService<IFollowUpScheduler>()
                .ScheduleAsync(new FollowUpRequest(orgId, conversationId, FollowUpKind.BeforeTrip, due, "Завтра выезд в 8:00", "тест"), Ct);
            followUpId = await before.ReadAsync(orgId, db => db.FollowUps.Where(f => f.ConversationId == conversationId).Select(f => f.Id).SingleAsync(Ct));
        }

        // Every instance is down until the trigger is late by more than the misfire threshold.
        var late = due + misfire * 3 - DateTimeOffset.UtcNow;
        if (late > TimeSpan.Zero)
        {
            await Task.Delay(late, Ct);
        }

        (await StatusAsync(owner, followUpId)).ShouldBe(nameof(FollowUpStatus.Pending));

        await using var after = new FollowUpsWebFactory { SharedDatabase = owner.Database, MisfireThreshold = misfire };
        await after.InitializeAsync();
        var fired = await after.SettledAsync(orgId, followUpId);
        fired.Status.ShouldBe(FollowUpStatus.Sent, fired.Outcome);
        (await after.ReadAsync(orgId, db => db.Messages.CountAsync(m => m.ConversationId == conversationId && m.Author == MessageAuthor.System, Ct))).ShouldBe(1);
    }

    private static async Task<long> SchedulerInstancesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {QuartzSchema.TablePrefix}scheduler_state", connection);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>Read as the superuser, past row-level security, without starting any app.</summary>
    private static async Task<string> StatusAsync(FollowUpsWebFactory owner, Guid followUpId)
    {
        await using var connection = new NpgsqlConnection(owner.Database.AdminConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT status FROM follow_ups WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", followUpId);
        return (string)(await command.ExecuteScalarAsync(Ct))!;
    }
}
