using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SoulKg.Domain;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.FollowUps;
using SoulKg.Infrastructure.Realtime;
using SoulKg.Domain.Funnel;
using SoulKg.Tests.TestInfrastructure;
using Quartz;

namespace SoulKg.Tests.FollowUps;

/// <summary>
/// Follow-ups on the real database with the real clustered Quartz scheduler: they fire and enqueue a message, a new
/// schedule replaces the pending one, a client's reply cancels the quiet-client one, and a chat a person holds gets nothing.
/// </summary>
public sealed class FollowUpSchedulingTests(FollowUpsWebFactory app) : IClassFixture<FollowUpsWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ADueFollowUpFiresAndEnqueuesOneMessageInTheClientsLanguage()
    {
        var (org, conversationId) = await app.ChatAsync();
        await SetClientLanguageAsync(org.OrgId, conversationId, Languages.English);

        var id = await ScheduleAsync(org.OrgId, conversationId, FollowUpKind.QuietClient, TimeSpan.FromSeconds(2));

        var fired = await app.SettledAsync(org.OrgId, id);
        fired.Status.ShouldBe(FollowUpStatus.Sent, fired.Outcome);
        fired.MessageId.ShouldNotBeNull();
        var message = await app.ReadAsync(org.OrgId, db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == fired.MessageId, Ct));
        message.Direction.ShouldBe(MessageDirection.Outbound);
        message.Author.ShouldBe(MessageAuthor.System);
        message.Text.ShouldStartWith("Hello");
        (await app.ReadAsync(org.OrgId, db => db.Outbox.CountAsync(o => o.MessageId == message.Id, Ct))).ShouldBe(1);
        (await SystemMessagesAsync(org.OrgId, conversationId)).ShouldBe(1);
    }

    [Fact]
    public async Task APluggedInWriterWritesTheTextAndAFailingOneFallsBackToTheDefault()
    {
        var (org, written) = await app.ChatAsync();
        var (otherOrg, failing) = await app.ChatAsync();
        app.Writer.Script(written, draft => $"{draft.Kind} ({draft.Language}): программа тура во вложении");
        app.Writer.Script(failing, _ => throw new InvalidOperationException("the model is down"));

        var a = await ScheduleAsync(org.OrgId, written, FollowUpKind.QuietClient, TimeSpan.FromSeconds(1));
        var b = await ScheduleAsync(otherOrg.OrgId, failing, FollowUpKind.QuietClient, TimeSpan.FromSeconds(1));

        (await app.SettledAsync(org.OrgId, a)).Status.ShouldBe(FollowUpStatus.Sent);
        (await app.SettledAsync(otherOrg.OrgId, b)).Status.ShouldBe(FollowUpStatus.Sent);
        (await TextsAsync(org.OrgId, written)).ShouldBe(["QuietClient (ru): программа тура во вложении"]);
        (await TextsAsync(otherOrg.OrgId, failing)).Single().ShouldStartWith("Здравствуйте");
    }

    [Fact]
    public async Task EveryChangeOfAFollowUpIsPushedWithItsClientForTheClientPage()
    {
        var (org, conversationId) = await app.ChatAsync();
        var clientId = await app.ReadAsync(org.OrgId, db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.ClientId!.Value).SingleAsync(Ct));
        var statuses = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        using var subscription = app.Services.GetRequiredService<ChangeNotifier>().Subscribe(org.OrgId, change =>
        {
            if (change.Entity == "follow_up" && change.DataGuid("client_id") == clientId)
            {
                statuses.Enqueue(change.DataString("status"));
            }

            return Task.CompletedTask;
        });

        var id = await ScheduleAsync(org.OrgId, conversationId, FollowUpKind.AfterTrip, TimeSpan.FromSeconds(1));
        (await app.SettledAsync(org.OrgId, id)).Status.ShouldBe(FollowUpStatus.Sent);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!statuses.Contains(nameof(FollowUpStatus.Sent)))
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the client page would not hear that the follow-up was sent: " + string.Join(", ", statuses));
            await Task.Delay(100, Ct);
        }

        statuses.ShouldContain(nameof(FollowUpStatus.Pending));
    }

    [Fact]
    public async Task SchedulingAgainReplacesThePendingFollowUpAndItsTrigger()
    {
        var (org, conversationId) = await app.ChatAsync();
        var first = await ScheduleAsync(org.OrgId, conversationId, FollowUpKind.BeforeTrip, TimeSpan.FromHours(5), "Первый текст");
        var second = await ScheduleAsync(org.OrgId, conversationId, FollowUpKind.BeforeTrip, TimeSpan.FromSeconds(2), "Второй текст");

        second.ShouldNotBe(first);
        (await TriggersAsync(conversationId)).ShouldBe(1);
        var replaced = await app.ReadAsync(org.OrgId, db => db.FollowUps.AsNoTracking().SingleAsync(f => f.Id == first, Ct));
        replaced.Status.ShouldBe(FollowUpStatus.Cancelled);

        var fired = await app.SettledAsync(org.OrgId, second);
        fired.Status.ShouldBe(FollowUpStatus.Sent, fired.Outcome);
        (await TextsAsync(org.OrgId, conversationId)).ShouldBe(["Второй текст"]);
    }

    [Fact]
    public async Task SchedulingTheSameFollowUpTwiceKeepsOneRow()
    {
        var (org, conversationId) = await app.ChatAsync();
        var request = new FollowUpRequest(org.OrgId, conversationId, FollowUpKind.RepeatSale, DateTimeOffset.UtcNow.AddDays(30), "Сезон Сон-Куля открыт", "тест");
        var scheduler = app.Services.GetRequiredService<IFollowUpScheduler>();

        await scheduler.ScheduleAsync(request, Ct);
        await scheduler.ScheduleAsync(request with { Text = "  Сезон Сон-Куля открыт " }, Ct);

        (await app.ReadAsync(org.OrgId, db => db.FollowUps.CountAsync(f => f.ConversationId == conversationId, Ct))).ShouldBe(1);
        (await TriggersAsync(conversationId)).ShouldBe(1);
        (await scheduler.CancelAsync(org.OrgId, conversationId, FollowUpKind.RepeatSale, Ct)).ShouldBeTrue();
        (await scheduler.CancelAsync(org.OrgId, conversationId, FollowUpKind.RepeatSale, Ct)).ShouldBeFalse();
        (await TriggersAsync(conversationId)).ShouldBe(0);
    }

    [Fact]
    public async Task TheClientsReplyCancelsTheQuietClientFollowUp()
    {
        var (org, conversationId) = await app.ChatAsync();
        var id = await ScheduleAsync(org.OrgId, conversationId, FollowUpKind.QuietClient, TimeSpan.FromHours(5));

        await app.ClientRepliesAsync(org.OrgId, conversationId, "Да, всё ещё думаем");

        var followUp = await app.ReadAsync(org.OrgId, db => db.FollowUps.AsNoTracking().SingleAsync(f => f.Id == id, Ct));
        followUp.Status.ShouldBe(FollowUpStatus.Cancelled);
        followUp.Outcome.ShouldBe("Клиент ответил");
        (await TriggersAsync(conversationId)).ShouldBe(0);
    }

    [Fact]
    public async Task AReplyWhileAPersonHeldTheChatStillStopsTheQuietClientFollowUp()
    {
        var (org, conversationId) = await app.ChatAsync();
        var operatorAccount = await app.CreateUserAsync(org, OrgRole.Operator);
        var id = await ScheduleAsync(org.OrgId, conversationId, FollowUpKind.QuietClient, TimeSpan.FromSeconds(4));
        await using (var scope = app.UserScope(operatorAccount))
        {
            await scope.ServiceProvider.GetRequiredService<ConversationService>().TakeOverAsync(conversationId, ct: Ct);
        }

        await app.ClientRepliesAsync(org.OrgId, conversationId, "Алло?");
        await using (var scope = app.UserScope(operatorAccount))
        {
            await scope.ServiceProvider.GetRequiredService<ConversationService>().HandBackAsync(conversationId, ct: Ct);
        }

        var followUp = await app.SettledAsync(org.OrgId, id);
        followUp.Status.ShouldBe(FollowUpStatus.Cancelled);
        followUp.Outcome.ShouldBe("Клиент ответил");
        (await SystemMessagesAsync(org.OrgId, conversationId)).ShouldBe(0);
    }

    [Fact]
    public async Task NothingIsSentIntoAChatAPersonHolds()
    {
        var (org, conversationId) = await app.ChatAsync();
        var operatorAccount = await app.CreateUserAsync(org, OrgRole.Operator);
        await using (var scope = app.UserScope(operatorAccount))
        {
            await scope.ServiceProvider.GetRequiredService<ConversationService>().TakeOverAsync(conversationId, ct: Ct);
        }

        var id = await ScheduleAsync(org.OrgId, conversationId, FollowUpKind.AfterTrip, TimeSpan.FromSeconds(2));

        var followUp = await app.SettledAsync(org.OrgId, id);
        followUp.Status.ShouldBe(FollowUpStatus.Skipped);
        followUp.Outcome!.ShouldContain("оператор");
        (await SystemMessagesAsync(org.OrgId, conversationId)).ShouldBe(0);
    }

    [Fact]
    public async Task AChatWhoseOperatorWentSilentGoesBackToTheAgentOnlyWhereTheOrgSwitchedItOn()
    {
        var (org, conversationId) = await app.ChatAsync();
        var (quietOrg, quietConversationId) = await app.ChatAsync();
        await SilentOperatorAsync(org, conversationId);
        await SilentOperatorAsync(quietOrg, quietConversationId);
        await using (var scope = app.UserScope(org))
        {
            await scope.ServiceProvider.GetRequiredService<FollowUpService>().SaveSettingsAsync(new FollowUpSettingsInput(24, 3, 1), Ct);
        }

        // Through Quartz, as the periodic trigger would run it.
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);
        await scheduler.TriggerJob(AutoReturnJob.Key, new JobDataMap(), Ct);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await HolderAsync(org.OrgId, conversationId) != Holder.AiActive)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the chat was not returned to the agent");
            await Task.Delay(200, Ct);
        }

        var change = await app.ReadAsync(org.OrgId, db => db.HolderChanges.AsNoTracking().Where(c => c.ConversationId == conversationId)
            .OrderByDescending(c => c.At).FirstAsync(Ct));
        change.To.ShouldBe(Holder.AiActive);
        change.ActorType.ShouldBe(ActorType.System);
        change.Reason!.ShouldContain("Оператор не отвечал");

        await ActivatorUtilities.CreateInstance<AutoReturnJob>(app.Services).RunAsync(Ct);
        (await HolderAsync(quietOrg.OrgId, quietConversationId)).ShouldBe(Holder.Human);
    }

    [Fact]
    public async Task OurUnansweredMessageInWarmingPlansAQuietClientFollowUp()
    {
        var (org, conversationId) = await app.ChatAsync();
        await DealAsync(org, conversationId, StageKind.Warming, null, null);
        await using (var scope = app.UserScope(org))
        {
            await scope.ServiceProvider.GetRequiredService<FollowUpService>().SaveSettingsAsync(new FollowUpSettingsInput(5, 3, null), Ct);
            await scope.ServiceProvider.GetRequiredService<ConversationService>().TakeOverAsync(conversationId, ct: Ct);
        }

        MessageItem ours;
        await using (var scope = app.UserScope(org))
        {
            ours = await scope.ServiceProvider.GetRequiredService<ConversationService>().SendAsync(conversationId, "Отправил вам программу тура на Сон-Куль", Ct);
        }

        var planned = await PendingAsync(org.OrgId, conversationId, FollowUpKind.QuietClient);
        // As stored: PostgreSQL keeps microseconds, .NET ticks.
        var sentAt = await app.ReadAsync(org.OrgId, db => db.Messages.Where(m => m.Id == ours.Id).Select(m => m.SentAt).SingleAsync(Ct));
        planned.DueAt.ShouldBe(sentAt.AddHours(5));
        planned.CreatedByName.ShouldBe(FollowUpPlanner.RulesActor);
        planned.Text.ShouldBeNull();
    }

    [Fact]
    public async Task ABookedDealWithTravelDatesPlansTheTripReminders()
    {
        var (org, conversationId) = await app.ChatAsync();
        var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
        await DealAsync(org, conversationId, StageKind.Sale, from, from.AddDays(4));

        var before = await PendingAsync(org.OrgId, conversationId, FollowUpKind.BeforeTrip);
        var after = await PendingAsync(org.OrgId, conversationId, FollowUpKind.AfterTrip);
        var facts = new DealFacts(StageKind.Sale, DealStatus.Open, new TravelDates { From = from, To = from.AddDays(4) });
        before.DueAt.ShouldBe(FollowUpRules.BeforeTrip(facts, FollowUpSettings.DefaultBeforeTripDays, DateTimeOffset.UtcNow).DueAt!.Value);
        after.DueAt.ShouldBe(FollowUpRules.AfterTrip(facts, DateTimeOffset.UtcNow).DueAt!.Value);
    }

    private async Task<Guid> ScheduleAsync(Guid orgId, Guid conversationId, FollowUpKind kind, TimeSpan dueIn, string? text = null)
    {
        await app.Services.GetRequiredService<IFollowUpScheduler>()
            .ScheduleAsync(new FollowUpRequest(orgId, conversationId, kind, DateTimeOffset.UtcNow + dueIn, text, "тест"), Ct);
        return await app.ReadAsync(orgId, db => db.FollowUps.Where(f => f.ConversationId == conversationId && f.Kind == kind && f.Status == FollowUpStatus.Pending)
            .Select(f => f.Id).SingleAsync(Ct));
    }

    private async Task<FollowUp> PendingAsync(Guid orgId, Guid conversationId, FollowUpKind kind)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var pending = await app.ReadAsync(orgId, db => db.FollowUps.AsNoTracking()
                .FirstOrDefaultAsync(f => f.ConversationId == conversationId && f.Kind == kind && f.Status == FollowUpStatus.Pending, Ct));
            if (pending is not null)
            {
                return pending;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"no {kind} follow-up was planned");
            await Task.Delay(200, Ct);
        }
    }

    private async Task DealAsync(TestAccount org, Guid conversationId, StageKind stage, DateOnly? from, DateOnly? to)
    {
        await using var scope = app.UserScope(org);
        var services = scope.ServiceProvider;
        var clientId = await app.ReadAsync(org.OrgId, db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.ClientId!.Value).SingleAsync(Ct));
        var stageId = (await services.GetRequiredService<FunnelSettingsService>().StagesAsync(ct: Ct)).First(s => s.Kind == stage).Id;
        await services.GetRequiredService<DealService>().CreateAsync(new DealInput
        {
            ClientId = clientId, StageId = stageId, Adults = 2, TravelFrom = from, TravelTo = to, Title = "Иссык-Куль",
        }, Ct);
    }

    /// <summary>An operator took the chat three hours ago and has not answered the client, who wrote two hours ago.</summary>
    private async Task SilentOperatorAsync(TestAccount org, Guid conversationId)
    {
        await using (var scope = app.UserScope(org))
        {
            await scope.ServiceProvider.GetRequiredService<ConversationService>().TakeOverAsync(conversationId, ct: Ct);
        }

        await using var system = app.SystemScope(org.OrgId);
        await using var db = await system.ServiceProvider.GetRequiredService<IDbContextFactory<Infrastructure.Data.SoulKgDbContext>>().CreateDbContextAsync(Ct);
        var now = DateTimeOffset.UtcNow;
        await db.Conversations.Where(c => c.Id == conversationId).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.HolderSince, now.AddHours(-3)).SetProperty(c => c.LastInboundAt, now.AddHours(-2)), Ct);
    }

    private Task<Holder> HolderAsync(Guid orgId, Guid conversationId) =>
        app.ReadAsync(orgId, db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.Holder).SingleAsync(Ct));

    private Task<List<string>> TextsAsync(Guid orgId, Guid conversationId) =>
        app.ReadAsync(orgId, db => db.Messages.Where(m => m.ConversationId == conversationId && m.Author == MessageAuthor.System)
            .Select(m => m.Text).ToListAsync(Ct));

    private Task<int> SystemMessagesAsync(Guid orgId, Guid conversationId) =>
        app.ReadAsync(orgId, db => db.Messages.CountAsync(m => m.ConversationId == conversationId && m.Author == MessageAuthor.System, Ct));

    private async Task SetClientLanguageAsync(Guid orgId, Guid conversationId, string language)
    {
        await using var scope = app.SystemScope(orgId);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<Infrastructure.Data.SoulKgDbContext>>().CreateDbContextAsync(Ct);
        var clientId = await db.Conversations.Where(c => c.Id == conversationId).Select(c => c.ClientId!.Value).SingleAsync(Ct);
        await db.Clients.Where(c => c.Id == clientId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Language, language), Ct);
    }

    /// <summary>Quartz's tables hold no tenant data; the app role reads them directly.</summary>
    private async Task<long> TriggersAsync(Guid conversationId)
    {
        await using var connection = new NpgsqlConnection(app.Db.AppConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM qrtz_triggers WHERE trigger_group = @group AND trigger_name LIKE @name", connection);
        command.Parameters.AddWithValue("group", FollowUpTriggers.Group);
        command.Parameters.AddWithValue("name", conversationId.ToString("N") + ".%");
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
