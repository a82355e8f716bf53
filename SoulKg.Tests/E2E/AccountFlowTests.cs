using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.Playwright;
using SoulKg.Domain.Tenancy;
using SoulKg.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace SoulKg.Tests.E2E;

public sealed partial class AccountFlowTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task NewOrganisationSignsUpLandsOnTheFunnelSignsOutAndSignsInAgain()
    {
        var orgName = "Тур " + Guid.NewGuid().ToString("N")[..6];
        var email = SoulKgWebFactory.UniqueEmail("e2e");
        var page = await browser.NewPageAsync();

        await page.GotoAsync("/Account/Register");
        await page.GetByLabel("Название организации").FillAsync(orgName);
        await page.GetByLabel("Ваше имя").FillAsync("Айбек Осмонов");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Пароль", new() { Exact = true }).FillAsync(SoulKgWebFactory.Password);
        await page.GetByLabel("Пароль ещё раз").FillAsync(SoulKgWebFactory.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Создать и войти" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(FunnelUrl());
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Воронка" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("shell-org")).ToHaveTextAsync(orgName);

        await SignOutAsync(page);
        await Expect(page).ToHaveURLAsync(LoginUrl());
        await page.GotoAsync("/funnel");
        await Expect(page).ToHaveURLAsync(LoginUrl());

        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Пароль", new() { Exact = true }).FillAsync(SoulKgWebFactory.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(FunnelUrl());
        await Expect(page.GetByTestId("shell-org")).ToHaveTextAsync(orgName);
    }

    [Fact]
    public async Task WrongPasswordKeepsThePersonOnTheLoginPage()
    {
        var owner = await browser.App.CreateOrgAsync();
        var page = await browser.NewPageAsync();

        await SignInAsync(page, owner with { Password = "Wr0ngPassword" });

        await Expect(page).ToHaveURLAsync(LoginUrl());
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Неверный e-mail или пароль");
    }

    [Fact]
    public async Task OperatorGets403OnAdminPagesWhileTheOwnerGetsIn()
    {
        var owner = await browser.App.CreateOrgAsync();
        var operatorAccount = await browser.App.CreateUserAsync(owner, OrgRole.Operator);
        var operatorPage = await browser.NewPageAsync();
        var ownerPage = await browser.NewPageAsync();
        await SignInAsync(operatorPage, operatorAccount);
        await SignInAsync(ownerPage, owner);
        await Expect(operatorPage).ToHaveURLAsync(FunnelUrl());
        await Expect(ownerPage).ToHaveURLAsync(FunnelUrl());

        foreach (var path in AdminPages())
        {
            await operatorPage.GotoAsync(path);
            await Expect(operatorPage.GetByRole(AriaRole.Heading, new() { Name = "403" })).ToBeVisibleAsync();

            await ownerPage.GotoAsync(path);
            await Expect(ownerPage).ToHaveURLAsync(new Regex(Regex.Escape(path) + "$"));
            await Expect(ownerPage.GetByText("403")).ToHaveCountAsync(0);
        }
    }

    [Fact]
    public async Task LanguageSwitchesToEnglishFromTheAccountPage()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Вход" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(LoginUrl());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Password", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");

        await page.GetByRole(AriaRole.Button, new() { Name = "Русский" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Вход" })).ToBeVisibleAsync();
    }

    /// <summary>The admin-only pages of the app: analytics, plus the settings pages once they exist.</summary>
    private static IEnumerable<string> AdminPages()
    {
        var routes = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>())
            .Select(r => r.Template)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        routes.ShouldContain("/analytics");
        return new[] { "/analytics", "/settings/users", "/settings/audit" }.Where(routes.Contains);
    }

    private static async Task SignInAsync(IPage page, TestAccount account)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("E-mail").FillAsync(account.Email);
        await page.GetByLabel("Пароль", new() { Exact = true }).FillAsync(account.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
    }

    private static async Task SignOutAsync(IPage page)
    {
        var account = page.GetByRole(AriaRole.Button, new() { Name = "account", Exact = true });
        var signOut = page.GetByRole(AriaRole.Button, new() { Name = "Выйти" });

        // The menu is interactive: until the page's circuit is connected a click on it does nothing, so click again.
        for (var attempt = 1; !await signOut.IsVisibleAsync(); attempt++)
        {
            attempt.ShouldBeLessThanOrEqualTo(20, "The account menu never opened.");
            await account.ClickAsync();
            try
            {
                await signOut.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 1_000 });
            }
            catch (TimeoutException)
            {
            }
        }

        await signOut.ClickAsync();
    }

    [GeneratedRegex("/funnel$")]
    private static partial Regex FunnelUrl();

    [GeneratedRegex("/Account/Login")]
    private static partial Regex LoginUrl();
}
