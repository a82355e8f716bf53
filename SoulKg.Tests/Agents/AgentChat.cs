using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Catalog;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Funnel;
using SoulKg.Infrastructure.Agents;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Agents;

/// <summary>
/// One client's chat with the agent on the real database: the client's words go through the inbound pipeline, the
/// runner runs the agent, and the helpers read what a person would see (the deal, the stage, the replies, the run log).
/// </summary>
internal sealed class AgentChat(AgentsWebFactory app, TestAccount org)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<AgentChat> CreateAsync(AgentsWebFactory app, string provider = AgentProviders.Offline, bool paused = false, IReadOnlyList<string>? tools = null)
    {
        var org = await app.CreateOrgAsync();
        var chat = new AgentChat(app, org);
        await using var scope = chat.SystemScope();
        var sp = scope.ServiceProvider;
        chat.ChannelId = (await sp.GetRequiredService<ChannelService>().CreateAsync("Песочница", ChannelMode.Sandbox, ct: Ct)).Id;
        var toursService = sp.GetRequiredService<TourService>();
        async Task<Guid> TourAsync(TourInput input) => (await toursService.CreateAsync(input, Ct)).Id;
        chat.Tours["issyk"] = await TourAsync(new TourInput { NameRu = "Иссык-Куль: южный берег", NameEn = "Issyk-Kul south shore", Region = "Иссык-Куль", DurationDays = 4, Months = [5, 6, 7, 8, 9], PriceUsd = 365, PriceKgs = 32_000, GroupMin = 1, GroupMax = 16 });
        chat.Tours["lux"] = await TourAsync(new TourInput { NameRu = "Иссык-Куль Люкс", Region = "Иссык-Куль", DurationDays = 5, Months = [6, 7, 8], PriceUsd = 1500, GroupMin = 1, GroupMax = 8 });
        chat.Tours["songkul"] = await TourAsync(new TourInput { NameRu = "Сон-Куль: юрты и конный тур", NameEn = "Song-Kul: yurts and horse trek", Region = "Сон-Куль", DurationDays = 3, Months = [6, 7, 8, 9], PriceUsd = 275, GroupMin = 2, GroupMax = 12 });
        chat.Tours["winter"] = await TourAsync(new TourInput { NameRu = "Зимний Иссык-Куль", Region = "Иссык-Куль", DurationDays = 2, Months = [12, 1, 2], PriceUsd = 150 });
        var configs = sp.GetRequiredService<AgentConfigService>();
        foreach (var kind in Enum.GetValues<AgentKind>())
        {
            var current = (await configs.GetAsync(kind, Ct)).Settings;
            await configs.SaveAsync(kind, current with { Provider = provider, IsActive = !paused, Tools = tools ?? current.Tools }, "test", ct: Ct);
        }

        return chat;
    }

    private readonly string _chatId = "996555" + Random.Shared.Next(100_000, 999_999) + "@c.us";

    public Guid OrgId => org.OrgId;
    public Guid ChannelId { get; set; }
    public Guid ConversationId { get; private set; }
    public Dictionary<string, Guid> Tours { get; } = [];

    public async Task<AgentRunResult> SayAsync(string text) => await StartAsync(text);

    public async Task<AgentRunResult> StartAsync(string text)
    {
        var stored = await app.Services.GetRequiredService<InboundPipeline>().ReceiveAsync(OrgId, new InboundMessage
        {
            ChannelId = ChannelId, ExternalId = Guid.NewGuid().ToString("N"), ChatId = _chatId, Text = text, SentAt = DateTimeOffset.UtcNow, SenderName = "Айгуль",
        }, Ct);
        stored.Outcome.ShouldBe(InboundOutcome.Stored, stored.Error);
        ConversationId = stored.ConversationId!.Value;
        return await app.Services.GetRequiredService<IAgentRunner>().RunAsync(OrgId, ConversationId, stored.MessageId, Ct);
    }

    public Task<AgentRunResult> RunAgainAsync() => app.Services.GetRequiredService<IAgentRunner>().RunAsync(OrgId, ConversationId, null, Ct);

    public AsyncServiceScope SystemScope()
    {
        var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(OrgId);
        return scope;
    }

    public AsyncServiceScope UserScope()
    {
        var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetUser(org.OrgId, org.UserId, org.Role, "Оператор Тестов");
        return scope;
    }

    public async Task<T> ReadAsync<T>(Func<SoulKgDbContext, Task<T>> read)
    {
        await using var scope = SystemScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>().CreateDbContextAsync(Ct);
        return await read(db);
    }

    public Task<Conversation> ConversationAsync() => ReadAsync(db => db.Conversations.AsNoTracking().SingleAsync(c => c.Id == ConversationId, Ct));

    public async Task<Deal> DealAsync()
    {
        var conversation = await ConversationAsync();
        return await ReadAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.ClientId == conversation.ClientId, Ct));
    }

    public async Task<StageKind> StageKindAsync()
    {
        var deal = await DealAsync();
        return await ReadAsync(db => db.FunnelStages.Where(s => s.Id == deal.StageId).Select(s => s.Kind).SingleAsync(Ct));
    }

    public async Task<string> ClientLanguageAsync()
    {
        var conversation = await ConversationAsync();
        return await ReadAsync(db => db.Clients.Where(c => c.Id == conversation.ClientId).Select(c => c.Language).SingleAsync(Ct));
    }

    public Task<List<Message>> AgentRepliesAsync() => ReadAsync(db => db.Messages.AsNoTracking()
        .Where(m => m.ConversationId == ConversationId && m.Author == MessageAuthor.Agent).OrderBy(m => m.SentAt).ToListAsync(Ct));

    public async Task<Message> LastAgentReplyAsync()
    {
        var replies = await AgentRepliesAsync();
        replies.ShouldNotBeEmpty();
        return replies[^1];
    }

    public Task<AgentRun> RunAsync(Guid runId) => ReadAsync(db => db.AgentRuns.AsNoTracking().SingleAsync(r => r.Id == runId, Ct));
}
