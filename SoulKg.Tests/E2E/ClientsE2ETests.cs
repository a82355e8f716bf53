using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SoulKg.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;
using static SoulKg.Tests.E2E.BrowserSteps;

namespace SoulKg.Tests.E2E;

public sealed partial class ClientsE2ETests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task OwnerCreatesAClientAddsADealAndMovesItWhileTheTimelineFollows()
    {
        var owner = await browser.App.CreateOrgAsync();
        var page = await browser.NewPageAsync();
        await SignInAsync(page, owner);
        await Expect(page).ToHaveURLAsync(FunnelUrl());

        await page.GotoAsync("/clients");
        await ClickUntilVisibleAsync(page.GetByTestId("clients-new"), page.GetByTestId("client-name"));
        await page.GetByTestId("client-name").FillAsync("Айбек Осмонов");
        await page.GetByTestId("client-phones").FillAsync("0555 12 34 56");
        await page.GetByTestId("client-phones").PressAsync("Enter");

        await Expect(page).ToHaveURLAsync(ClientUrl());
        await Expect(page.GetByTestId("client-title")).ToHaveTextAsync("Айбек Осмонов");
        await Expect(page.GetByTestId("timeline-item")).ToHaveCountAsync(1);

        await page.GetByTestId("deal-new").ClickAsync();
        await page.GetByTestId("deal-adults").FillAsync("2");
        await page.GetByTestId("dialog-save").ClickAsync();

        var card = page.GetByTestId("deal-card");
        await Expect(card).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("timeline-item").First).ToHaveAttributeAsync("data-kind", "DealCreated");

        await card.GetByTestId("deal-move").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Квалификация" })
            .Or(page.GetByText("Квалификация", new() { Exact = true })).Locator("visible=true").First.ClickAsync();

        var latest = page.GetByTestId("timeline-item").First;
        await Expect(latest).ToHaveAttributeAsync("data-kind", "StageChanged");
        await Expect(latest).ToContainTextAsync("Новый лид → Квалификация");
        await Expect(page.GetByTestId("timeline-item")).ToHaveCountAsync(3);
    }

    [GeneratedRegex("/funnel$")]
    private static partial Regex FunnelUrl();

    [GeneratedRegex("/clients/[0-9a-f-]{36}$")]
    private static partial Regex ClientUrl();
}
