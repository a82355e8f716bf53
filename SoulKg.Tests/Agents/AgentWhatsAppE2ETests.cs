using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SoulKg.Domain;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Catalog;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Notifications;
using SoulKg.Infrastructure.Crm;
using SoulKg.Tests.E2E;
using SoulKg.Tests.TestInfrastructure;
using SoulKg.Tests.WhatsApp;
using static Microsoft.Playwright.Assertions;

namespace SoulKg.Tests.Agents;

/// <summary>
/// The agent answering a real WhatsApp chat end to end: the app's Chromium host drives the sandbox, a client writes
/// from the sandbox phone, the offline agent records the trip request and its reply reaches the phone in the client's
/// language, the run is in the journal, and "позовите менеджера" puts the chat in front of a person with a notice.
/// </summary>
public sealed class AgentWhatsAppE2ETests(AgentWhatsAppFactory app) : IClassFixture<AgentWhatsAppFactory>, IAsyncLifetime
{
    private const int Slow = 90_000; // the agent, the outbox and the Chromium host share two loaded cores
    private const string PhoneNumber = "+996 555 123 456"; // the phone page shows this sender's chat by default
    private HeadlessChromium? _chromium;

    public async ValueTask InitializeAsync() => _chromium = await HeadlessChromium.LaunchAsync();

    public async ValueTask DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheAgentAnswersTheSandboxPhoneInRussianRecordsTheRequestAndHandsOverWhenAskedForAManager()
    {
        var (owner, channelId) = await LinkedOrgAsync();
        var page = await _chromium!.SignedInPageAsync(app.ServerAddress, owner, Slow);
        await page.GotoAsync($"/sandbox/phone/{channelId}");
        await BrowserSteps.WaitForCircuitAsync(page);

        await SendFromPhoneAsync(page, channelId, "Здравствуйте, хотим в июле на Иссык-Куль, нас 4 взрослых и ребёнок, бюджет до 800$");

        // Blazor renders a true bool attribute bare and omits a false one: the agent's messages lack data-from-client.
        var agentMessages = page.Locator("[data-testid='phone-msg']:not([data-from-client])");
        await Expect(agentMessages.First).ToContainTextAsync("Иссык-Куль: южный берег", new() { Timeout = Slow });
        await Expect(agentMessages.First).ToContainTextAsync("Записала: июль, Иссык-Куль, 4 взрослых и 1 ребёнок");
        var conversation = await app.WithDbAsync(owner.OrgId, db => db.Conversations.AsNoTracking().SingleAsync());
        var deal = await app.WithDbAsync(owner.OrgId, db => db.Deals.AsNoTracking().SingleAsync(d => d.ClientId == conversation.ClientId));
        (deal.Travel.Month, deal.Adults, deal.Children, deal.BudgetAmount, deal.BudgetCurrency).ShouldBe((7, 4, 1, 800m, Money.Usd));
        deal.Region.ShouldBe("Иссык-Куль");
        var run = await app.WithDbAsync(owner.OrgId, db => db.AgentRuns.AsNoTracking().SingleAsync(r => r.ConversationId == conversation.Id));
        run.Outcome.ShouldBe(AgentRunOutcome.Replied);
        run.ToolCalls.ShouldContain(c => c.Name == AgentTools.UpdateTripRequest && c.Succeeded);

        var journal = await page.Context.NewPageAsync();
        await journal.GotoAsync("/settings/agents/runs");
        await Expect(journal.Locator($"[data-testid='run-row'][data-run-id='{run.Id}']")).ToBeVisibleAsync(new() { Timeout = Slow });

        await SendFromPhoneAsync(page, channelId, "позовите менеджера");

        await Expect(agentMessages).ToHaveCountAsync(2, new() { Timeout = Slow });
        await Expect(agentMessages.Nth(1)).ToContainTextAsync("Передаю чат менеджеру");
        await Eventually.TrueAsync(async () => (await app.WithDbAsync(owner.OrgId, db => db.Conversations.AsNoTracking().SingleAsync())).Holder == Holder.WaitingForHuman,
            60, () => "the chat never went to a person");
        // The notice follows the holder change in the same run: wait for it rather than racing it.
        await Eventually.TrueAsync(() => Task.FromResult(app.Notifier.Notices.Any(n =>
            n.OrgId == owner.OrgId && n.Kind == NoticeKind.ChatWaitingForHuman && n.Link == $"inbox/{conversation.Id}")), 30, () => "staff were never told");
        var inbox = await page.Context.NewPageAsync();
        await inbox.GotoAsync("/inbox");
        await BrowserSteps.WaitForCircuitAsync(inbox);
        await inbox.GetByTestId($"conv-{conversation.Id}").ClickAsync();
        await Expect(inbox.GetByTestId("holder-banner")).ToHaveAttributeAsync("data-holder", "WaitingForHuman", new() { Timeout = Slow });
        await Expect(inbox.GetByTestId("holder-banner")).ToContainTextAsync("просит менеджера");
    }

    [Fact]
    public async Task AnEnglishSpeakingClientGetsAnEnglishReplyOnThePhone()
    {
        var (owner, channelId) = await LinkedOrgAsync();

        app.Sandbox.SendFromClient(channelId, "+996 555 765 432", "John", "Hello! We'd like to visit Issyk-Kul in July, 2 adults and a child, budget $800");

        await Eventually.TrueAsync(() => Task.FromResult(app.Sandbox.Messages(channelId).Any(m => !m.FromClient)), 90, () => "no reply reached the phone");
        var reply = app.Sandbox.Messages(channelId).First(m => !m.FromClient).Text;
        reply.ShouldStartWith("Hello!");
        reply.ShouldContain("Issyk-Kul south shore");
        reply.ShouldContain("per person");
        reply.ShouldNotContain("Здравствуйте");
        var client = await app.WithDbAsync(owner.OrgId, db => db.Clients.AsNoTracking().SingleAsync());
        client.Language.ShouldBe(Languages.English);
    }

    private async Task<(TestAccount Owner, Guid ChannelId)> LinkedOrgAsync()
    {
        var owner = await app.CreateOrgAsync();
        await using (var scope = app.SystemScope(owner.OrgId))
        {
            await scope.ServiceProvider.GetRequiredService<TourService>().CreateAsync(new TourInput
            {
                NameRu = "Иссык-Куль: южный берег", NameEn = "Issyk-Kul south shore", Region = "Иссык-Куль", DurationDays = 4, Months = [6, 7, 8],
                PriceUsd = 365, GroupMin = 1, GroupMax = 16,
            });
        }

        var channelId = await app.StartChannelAsync(owner.OrgId);
        await app.LinkAsync(owner.OrgId, channelId);
        return (owner, channelId);
    }

    /// <summary>
    /// The client writes from the sandbox phone: the sandbox server's own send (what the phone page's button calls), so a
    /// click lost by a busy circuit cannot drop or double the message; the open phone page must then show it.
    /// </summary>
    private async Task SendFromPhoneAsync(IPage phone, Guid channelId, string text)
    {
        app.Sandbox.SendFromClient(channelId, PhoneNumber, "Айгуль", text);
        await Expect(phone.Locator("[data-testid='phone-msg'][data-from-client]").Filter(new() { HasText = text })).ToHaveCountAsync(1, new() { Timeout = Slow });
    }
}
