using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.FollowUps;

/// <summary>
/// The app with real Quartz on its test database, tuned so that follow-ups a few seconds ahead fire promptly: the
/// scheduler looks for triggers every second and checks in every two. The outbox dispatcher runs, sending through
/// <see cref="FakeChannelGateway"/>. <see cref="SharedDatabase"/> makes it a second instance of another app's database.
/// </summary>
public class FollowUpsWebFactory : SoulKgWebFactory
{
    public FakeChannelGateway Gateway { get; } = new();

    public ScriptedFollowUpWriter Writer { get; } = new();

    /// <summary>Another factory's database, to run this app as a second instance of it (a cluster of two).</summary>
    public PostgresDatabase? SharedDatabase { get; init; }

    public TimeSpan MisfireThreshold { get; init; } = TimeSpan.FromSeconds(60);

    public PostgresDatabase Db => SharedDatabase ?? Database;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings
    {
        get
        {
            var settings = new List<KeyValuePair<string, string?>>
            {
                new("Outbox:PaceSends", "false"),
                new("Outbox:SweepInterval", "00:00:01"),
                new("Inbox:EchoGateway", "false"),
                // The agent would answer these chats and change what the follow-ups see (language, replies).
                new("Agents:AutoReply", "false"),
                new("Scheduler:IdleWaitTime", "00:00:01"),
                new("Scheduler:CheckinInterval", "00:00:02"),
                new("Scheduler:MisfireThreshold", MisfireThreshold.ToString("c")),
            };
            if (SharedDatabase is { } shared)
            {
                settings.Add(new("ConnectionStrings:Default", shared.AppConnectionString));
                settings.Add(new("ConnectionStrings:Owner", shared.OwnerConnectionString));
            }

            return settings;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IChannelGateway>();
            services.AddSingleton<IChannelGateway>(Gateway);
            services.AddSingleton<IFollowUpTextWriter>(Writer);
        });
    }

    public AsyncServiceScope SystemScope(Guid orgId)
    {
        var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId);
        return scope;
    }

    public AsyncServiceScope UserScope(TestAccount account)
    {
        var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetUser(account.OrgId, account.UserId, account.Role, account.Role + " Тестов");
        return scope;
    }

    /// <summary>Runs <paramref name="read"/> in the organisation's scope (RLS applies).</summary>
    public async Task<T> ReadAsync<T>(Guid orgId, Func<SoulKgDbContext, Task<T>> read)
    {
        await using var scope = SystemScope(orgId);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync();
        return await read(db);
    }

    /// <summary>An organisation with a sandbox channel and one chat the agent holds, opened by the client.</summary>
    public async Task<(TestAccount Org, Guid ConversationId)> ChatAsync()
    {
        var org = await CreateOrgAsync();
        Guid channelId;
        await using (var scope = SystemScope(org.OrgId))
        {
            channelId = (await scope.ServiceProvider.GetRequiredService<ChannelService>().CreateAsync("Песочница", ChannelMode.Sandbox)).Id;
        }

        var result = await ClientWritesAsync(org.OrgId, channelId, RandomPhone()[1..] + "@c.us", "Здравствуйте, хотим на Иссык-Куль");
        return (org, result.ConversationId!.Value);
    }

    public async Task<InboundResult> ClientWritesAsync(Guid orgId, Guid channelId, string chatId, string text)
    {
        var result = await Services.GetRequiredService<InboundPipeline>().ReceiveAsync(orgId, new InboundMessage
        {
            ChannelId = channelId, ExternalId = "in-" + Guid.NewGuid().ToString("N"), ChatId = chatId, Text = text, SentAt = DateTimeOffset.UtcNow,
        });
        result.Outcome.ShouldBe(InboundOutcome.Stored, result.Error);
        return result;
    }

    /// <summary>The client of a chat writes again in it.</summary>
    public async Task ClientRepliesAsync(Guid orgId, Guid conversationId, string text)
    {
        var chat = await ReadAsync(orgId, db => db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conversationId));
        await ClientWritesAsync(orgId, chat.ChannelId, chat.ExternalChatId, text);
    }

    /// <summary>Polls the follow-up until it leaves Pending (or <paramref name="timeout"/> passes, which fails the test).</summary>
    public async Task<FollowUp> SettledAsync(Guid orgId, Guid followUpId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(45));
        while (true)
        {
            var followUp = await ReadAsync(orgId, db => db.FollowUps.AsNoTracking().SingleAsync(f => f.Id == followUpId));
            if (followUp.Status != FollowUpStatus.Pending)
            {
                return followUp;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"follow-up {followUpId} still pending, due {followUp.DueAt:O}");
            await Task.Delay(200);
        }
    }

    private static readonly string[] MobilePrefixes = ["555", "550", "700", "707", "772"];

    public static string RandomPhone() =>
        "+996" + MobilePrefixes[Random.Shared.Next(MobilePrefixes.Length)] + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
