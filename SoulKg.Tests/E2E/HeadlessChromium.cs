using Microsoft.Playwright;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.E2E;

/// <summary>Debian's Chromium for a test class whose app fixture is not a <see cref="BrowserFixture"/> (the WhatsApp host suites).</summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser) => (_playwright, _browser) = (playwright, browser);

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = TestSettings.ChromiumPath, Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--no-first-run"],
        });
        return new HeadlessChromium(playwright, browser);
    }

    /// <summary>A fresh profile on <paramref name="baseUrl"/>, signed in as <paramref name="account"/>.</summary>
    public async Task<IPage> SignedInPageAsync(Uri baseUrl, TestAccount account, float navigationTimeout = 60_000)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl.ToString(), Locale = "ru-RU", TimezoneId = "Asia/Bishkek" });
        context.SetDefaultTimeout(20_000);
        context.SetDefaultNavigationTimeout(navigationTimeout); // a first page may be slow while the app's own Chromium host works
        var page = await context.NewPageAsync();
        await BrowserSteps.SignInAsync(page, account);
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal));
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
