using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SoulKg.Domain.Tenancy;
using SoulKg.Tests.E2E;
using SoulKg.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace SoulKg.Tests.WhatsApp;

/// <summary>
/// The whole flow in real browsers: an admin links a sandbox channel by its rotating QR, the sandbox phone writes, the
/// message shows up in an open inbox without a reload, the operator takes over and replies, the phone gets it and the
/// ticks turn read, the chat goes back to the agent. The app's own Chromium host drives the sandbox meanwhile.
/// </summary>
public sealed class WhatsAppE2ETests(WhatsAppFactory app) : IClassFixture<WhatsAppFactory>, IAsyncLifetime
{
    private const int Slow = 45_000;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = TestSettings.ChromiumPath, Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--no-first-run"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }

    [Fact]
    public async Task AdminLinksByQrAndAClientChatFlowsThroughTheInboxBothWays()
    {
        var owner = await app.CreateOrgAsync();
        var context = await SignedInContextAsync(owner);
        var admin = await context.NewPageAsync();
        await admin.GotoAsync("/settings/channels");
        await BrowserSteps.WaitForCircuitAsync(admin);
        await admin.GetByTestId("channel-connect").ClickAsync();
        var qr = admin.GetByTestId("channel-qr");
        await Expect(qr).ToBeVisibleAsync(new() { Timeout = Slow });
        var firstQr = await qr.GetAttributeAsync("data-qr-hash");
        await Expect(qr).Not.ToHaveAttributeAsync("data-qr-hash", firstQr!, new() { Timeout = Slow });

        var channelId = await app.WithDbAsync(owner.OrgId, db => db.Channels.Select(c => c.Id).SingleAsync());
        var phone = await context.NewPageAsync();
        await phone.GotoAsync($"/sandbox/phone/{channelId}");
        await Expect(phone.GetByTestId("phone-sandbox-banner")).ToBeVisibleAsync();
        await BrowserSteps.WaitForCircuitAsync(phone);
        var state = admin.GetByTestId("channel-state");
        for (var attempt = 0; attempt < 20 && await state.GetAttributeAsync("data-state") is "WaitingForQr" or "Starting"; attempt++)
        {
            // A loaded machine may let the QR stop rotating before the phone scans it: ask for a fresh one, as an admin would.
            if (await admin.GetByTestId("channel-refresh-qr").IsVisibleAsync())
            {
                await admin.GetByTestId("channel-refresh-qr").ClickAsync(new() { Timeout = 3_000 });
            }
            else if (await phone.GetByTestId("phone-qr").IsVisibleAsync())
            {
                await phone.GetByTestId("phone-qr").ClickAsync(new() { Timeout = 3_000 });
            }

            await Task.Delay(1500, TestContext.Current.CancellationToken);
        }

        await Expect(state).ToHaveAttributeAsync("data-state", "Ready", new() { Timeout = Slow });
        await Expect(admin.GetByTestId("channel-qr")).ToHaveCountAsync(0);

        var inbox = await context.NewPageAsync();
        await inbox.GotoAsync("/inbox");
        await Expect(inbox.GetByTestId("conversation-list")).ToBeVisibleAsync();
        await BrowserSteps.WaitForCircuitAsync(inbox);
        await Task.Delay(1000, TestContext.Current.CancellationToken); // let the circuit subscribe to the change feed
        const string hello = "Здравствуйте! Хотим на Иссык-Куль в июле, нас 4";
        await phone.GetByTestId("phone-text").FillAsync(hello); // MudTextField puts the test id on the input itself
        await phone.GetByTestId("phone-send").ClickAsync();

        var conversation = inbox.Locator("[data-testid^='conv-']").Filter(new() { HasText = "Иссык-Куль" });
        await Expect(conversation).ToHaveCountAsync(1, new() { Timeout = Slow });
        await conversation.ClickAsync();
        await Expect(inbox.GetByTestId("messages")).ToContainTextAsync(hello);
        await inbox.GetByTestId("takeover").ClickAsync();
        await Expect(inbox.GetByTestId("holder-banner")).ToHaveAttributeAsync("data-holder", "Human");

        const string reply = "Добрый день! На южном берегу есть места в июле.";
        await inbox.GetByTestId("composer").FillAsync(reply);
        await inbox.GetByTestId("send").ClickAsync();
        await Expect(phone.GetByTestId("phone-messages")).ToContainTextAsync(reply, new() { Timeout = Slow });
        var sent = inbox.Locator("[data-direction='Outbound']").Filter(new() { HasText = reply });
        await Expect(sent).ToHaveAttributeAsync("data-status", "Read", new() { Timeout = Slow });

        await inbox.GetByTestId("handback").ClickAsync();
        await Expect(inbox.GetByTestId("holder-banner")).ToHaveAttributeAsync("data-holder", "AiActive");
    }

    [Fact]
    public async Task OperatorsCannotOpenChannelsOrTheSandboxPhone()
    {
        var owner = await app.CreateOrgAsync();
        var operatorAccount = await app.CreateUserAsync(owner, OrgRole.Operator);
        var channelId = await app.StartChannelAsync(owner.OrgId);
        var page = await (await SignedInContextAsync(operatorAccount)).NewPageAsync();

        await page.GotoAsync("/settings/channels");
        await Expect(page.GetByTestId("channel-connect")).ToHaveCountAsync(0);
        await page.GotoAsync($"/sandbox/phone/{channelId}");
        await Expect(page.GetByTestId("phone-qr")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("phone-send")).ToHaveCountAsync(0);
    }

    private async Task<IBrowserContext> SignedInContextAsync(TestAccount account)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.ServerAddress.ToString(), Locale = "ru-RU" });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("E-mail").FillAsync(account.Email);
        await page.GetByLabel("Пароль", new() { Exact = true }).FillAsync(account.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal));
        await page.CloseAsync();
        return context;
    }
}
