using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Agents;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.E2E;
using SoulKg.Tests.TestInfrastructure;
using SoulKg.Tests.WhatsApp;
using static Microsoft.Playwright.Assertions;

namespace SoulKg.Tests.Agents;

/// <summary>
/// The agents screens in a real browser: an admin publishes a new prompt and rolls it back (each a version), the run
/// journal lists a run whose page shows its tool calls, and an operator cannot open the settings.
/// </summary>
public sealed class AgentScreensE2ETests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const int Slow = 45_000;

    [Fact]
    public async Task AnAdminPublishesAPromptAsANewVersionAndRollsItBack()
    {
        var owner = await browser.App.CreateOrgAsync();
        var original = (await ConfigAsync(owner.OrgId)).Settings.PromptRu;
        var page = await SignedInAsync(owner);
        await page.GotoAsync("/settings/agents");
        await Expect(page.Locator("[data-testid='agent-card'][data-kind='Sales']")).ToBeVisibleAsync();
        await page.GotoAsync("/settings/agents/Sales");
        await BrowserSteps.WaitForCircuitAsync(page);
        await Expect(page.GetByTestId("agent-version")).ToHaveCountAsync(1);

        const string prompt = "Ты — вежливый менеджер. Предлагай только туры из search_tours и всегда уточняй даты.";
        var field = page.GetByTestId("agent-prompt-ru");
        await field.FillAsync(prompt);
        await field.BlurAsync(); // the field binds on change
        await page.GetByTestId("agent-save").ClickAsync();

        await Expect(page.Locator("[data-testid='agent-version'][data-number='2']")).ToBeVisibleAsync(new() { Timeout = Slow });
        var saved = await ConfigAsync(owner.OrgId);
        (saved.CurrentVersion, saved.Settings.PromptRu).ShouldBe((2, prompt));

        await page.Locator("[data-testid='agent-version'][data-number='1']").GetByTestId("version-diff").ClickAsync();
        await Expect(page.GetByTestId("agent-diff")).ToContainTextAsync(prompt);
        await page.Locator("[data-testid='agent-version'][data-number='1']").GetByTestId("version-rollback").ClickAsync();

        await Expect(page.Locator("[data-testid='agent-version'][data-number='3']")).ToBeVisibleAsync(new() { Timeout = Slow });
        await Expect(page.GetByTestId("agent-prompt-ru")).ToHaveValueAsync(original);
        var rolledBack = await ConfigAsync(owner.OrgId);
        (rolledBack.CurrentVersion, rolledBack.Settings.PromptRu).ShouldBe((3, original));
    }

    [Fact]
    public async Task TheJournalListsARunAndItsPageShowsTheToolCalls()
    {
        var owner = await browser.App.CreateOrgAsync();
        var runId = await AgentRunAsync(owner.OrgId, "Здравствуйте, хотим в июле на Иссык-Куль, нас 2 взрослых");
        var page = await SignedInAsync(owner);
        await page.GotoAsync("/settings/agents/runs");
        await BrowserSteps.WaitForCircuitAsync(page);

        var row = page.Locator($"[data-testid='run-row'][data-run-id='{runId}']");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = Slow });
        // Opening a run only navigates, so a click that a re-rendering grid swallowed may safely be repeated.
        for (var attempt = 0; attempt < 5 && !page.Url.Contains($"/agents/runs/{runId}", StringComparison.Ordinal); attempt++)
        {
            await row.ClickAsync();
            try
            {
                await page.WaitForURLAsync($"**/agents/runs/{runId}", new() { Timeout = 8_000, WaitUntil = WaitUntilState.Commit });
            }
            catch (TimeoutException)
            {
                // the row was replaced under the click: try again
            }
        }

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/agents/runs/{runId}$"));
        await Expect(page.GetByTestId("run-input")).ToContainTextAsync("хотим в июле на Иссык-Куль");
        await Expect(page.Locator("[data-testid='tool-call'][data-tool='update_trip_request']")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid='tool-call'][data-tool='update_trip_request']")).ToContainTextAsync("Иссык-Куль");
        await Expect(page.Locator("[data-testid='tool-call'][data-tool='read_context']")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("run-output")).ToContainTextAsync("Записала");
    }

    [Fact]
    public async Task AnOperatorCannotOpenTheAgentSettings()
    {
        var owner = await browser.App.CreateOrgAsync();
        var operatorAccount = await browser.App.CreateUserAsync(owner, OrgRole.Operator);
        var page = await SignedInAsync(operatorAccount);

        await page.GotoAsync("/settings/agents");
        await Expect(page.GetByTestId("agents-list")).ToHaveCountAsync(0);
        await page.GotoAsync("/settings/agents/Sales");
        await Expect(page.GetByTestId("agent-form")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("agent-save")).ToHaveCountAsync(0);
    }

    private async Task<IPage> SignedInAsync(TestAccount account)
    {
        var page = await browser.NewPageAsync();
        page.SetDefaultNavigationTimeout(Slow); // the first page of a cold server on a loaded machine
        await BrowserSteps.SignInAsync(page, account);
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal));
        return page;
    }

    private AsyncServiceScope Scope(Guid orgId)
    {
        var scope = browser.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetSystem(orgId);
        return scope;
    }

    private async Task<AgentConfigDetails> ConfigAsync(Guid orgId)
    {
        await using var scope = Scope(orgId);
        return await scope.ServiceProvider.GetRequiredService<AgentConfigService>().GetAsync(AgentKind.Sales);
    }

    /// <summary>A client writes into a sandbox channel; the app's agent answers in the background, as in production.</summary>
    private async Task<Guid> AgentRunAsync(Guid orgId, string text)
    {
        await using var scope = Scope(orgId);
        var channel = await scope.ServiceProvider.GetRequiredService<ChannelService>().CreateAsync("Песочница", ChannelMode.Sandbox);
        var stored = await browser.App.Services.GetRequiredService<InboundPipeline>().ReceiveAsync(orgId, new InboundMessage
        {
            ChannelId = channel.Id, ExternalId = Guid.NewGuid().ToString("N"), ChatId = "996555" + Random.Shared.Next(100_000, 999_999) + "@c.us",
            Text = text, SentAt = DateTimeOffset.UtcNow, SenderName = "Айгуль",
        });
        stored.Outcome.ShouldBe(InboundOutcome.Stored, stored.Error);
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<SoulKgDbContext>>();
        AgentRun? run = null;
        await Eventually.TrueAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            run = await db.AgentRuns.AsNoTracking().FirstOrDefaultAsync(r => r.ConversationId == stored.ConversationId && r.FinishedAt != null);
            return run is not null;
        }, 60, () => "the agent never ran");
        run!.Outcome.ShouldBe(AgentRunOutcome.Replied, run.Error);
        return run.Id;
    }
}
