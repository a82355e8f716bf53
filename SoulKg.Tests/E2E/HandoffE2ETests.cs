using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Handoffs;
using SoulKg.Domain.Notifications;
using SoulKg.Domain.Partners;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Handoffs;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;
using static SoulKg.Tests.E2E.BrowserSteps;

namespace SoulKg.Tests.E2E;

/// <summary>In Chromium: a partner answers through the one-time link and the deal shows it live; the bell counts a new notice live.</summary>
public sealed class HandoffE2ETests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task PartnerAcceptsThroughTheLinkAndTheDealShowsItLive()
    {
        var owner = await browser.App.CreateOrgAsync();
        var (dealId, link) = await DealHandedToAPartnerAsync(owner);
        var staff = await browser.NewPageAsync();
        await SignInAsync(staff, owner);
        await staff.WaitForURLAsync("**/funnel");
        await staff.GotoAsync("/funnel");
        await ClickUntilVisibleAsync(staff.GetByTestId($"card-{dealId}"), staff.GetByTestId("deal-handoffs"));
        await Expect(staff.GetByTestId("handoff-item")).ToHaveAttributeAsync("data-status", nameof(HandoffStatus.Pending));

        var partner = await browser.NewPageAsync();
        await partner.GotoAsync(link);
        await Expect(partner.GetByTestId("partner-card")).ToContainTextAsync("Айгуль");
        await Expect(partner.GetByTestId("partner-card")).Not.ToContainTextAsync("Асанова");
        await Expect(partner.GetByTestId("partner-phone")).ToHaveCountAsync(0);
        await partner.GetByTestId("partner-accept").ClickAsync();
        await Expect(partner.GetByTestId("partner-outcome")).ToBeVisibleAsync();
        await Expect(partner.GetByTestId("partner-phone")).ToContainTextAsync("+996");

        await Expect(staff.GetByTestId("handoff-item")).ToHaveAttributeAsync("data-status", nameof(HandoffStatus.Accepted));
        await Expect(staff.GetByTestId("handoff-status")).ToHaveTextAsync("Принял");
        await Expect(staff.GetByTestId("bell-count")).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task TheBellCountsANewNoticeLiveAndListsIt()
    {
        var owner = await browser.App.CreateOrgAsync();
        var page = await browser.NewPageAsync();
        await SignInAsync(page, owner);
        await page.WaitForURLAsync("**/funnel");
        await page.GotoAsync("/clients");
        await Expect(page.GetByTestId("bell-count")).ToHaveTextAsync("0");
        // The bell subscribes after the first interactive render; once it opens its panel, the circuit is live.
        await ClickUntilVisibleAsync(page.GetByTestId("bell"), page.GetByTestId("bell-panel"));

        await browser.App.Services.GetRequiredService<INotifier>().NotifyAsync(
            new Notice(owner.OrgId, NoticeKind.ChatWaitingForHuman, NoticeAudience.ChatStaff, "Чат ждёт оператора: Нурлан", "Клиент просит человека", "inbox"),
            TestContext.Current.CancellationToken);

        await Expect(page.GetByTestId("bell-count")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("bell-item")).ToContainTextAsync("Нурлан");
        await Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("^🔔1 · "));
        await page.GetByTestId("bell-read-all").ClickAsync();
        await Expect(page.GetByTestId("bell-count")).ToHaveTextAsync("0");
    }

    private async Task<(Guid DealId, string Link)> DealHandedToAPartnerAsync(TestAccount owner)
    {
        await using var scope = browser.App.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<OrgContext>().SetUser(owner.OrgId, owner.UserId, owner.Role, "Владелец Тестов");
        await services.GetRequiredService<ChannelService>().CreateAsync("Песочница", ChannelMode.Sandbox);
        var client = await services.GetRequiredService<ClientService>().CreateAsync(new SoulKg.Domain.Clients.ClientInput { Name = "Айгуль Асанова", Phones = [HandoffWebFactory.RandomPhone()] });
        var deal = await services.GetRequiredService<DealService>().CreateAsync(new DealInput
        {
            ClientId = client.Id, Title = "Сон-Куль, 3 дня", Adults = 2, TravelFrom = new DateOnly(2026, 7, 10), TravelTo = new DateOnly(2026, 7, 12),
        });
        var partner = await services.GetRequiredService<PartnerService>().CreateAsync(new PartnerInput
        {
            Name = "Юрты Сон-Куль", Type = PartnerType.Accommodation, WhatsAppPhone = HandoffWebFactory.RandomPhone(), Regions = ["Сон-Куль"], Languages = ["ru"],
        });
        var created = await services.GetRequiredService<HandoffService>().CreateAsync(
            new HandoffInput { DealId = deal.Id, PartnerIds = [partner.Id] }, browser.App.ServerAddress.ToString());
        return (deal.Id, created.Single().Link);
    }
}
