using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SoulKg.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;
using static SoulKg.Tests.E2E.BrowserSteps;

namespace SoulKg.Tests.E2E;

/// <summary>The tours and partners pages download what their filters show as CSV, in the signed-in user's organisation.</summary>
public sealed class CatalogueExportE2ETests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ToursAndPartnersDownloadTheFilteredListAsCsv()
    {
        var (owner, api) = await browser.App.NewOrgAsync();
        (await api.PostJsonAsync("/api/v1/tours", new { nameRu = "Сон-Куль на конях", region = "Нарын", durationDays = 3, priceKgs = 15000m, groupMin = 1, groupMax = 12 }))
            .EnsureSuccessStatusCode();
        (await api.PostJsonAsync("/api/v1/tours", new { nameRu = "Каньон Сказка", region = "Иссык-Куль", durationDays = 1, priceKgs = 3000m, groupMin = 1, groupMax = 12 }))
            .EnsureSuccessStatusCode();
        (await api.PostJsonAsync("/api/v1/partners", new { type = "Guide", name = "Гид Азамат", languages = new[] { "ru" }, isActive = true }))
            .EnsureSuccessStatusCode();
        var (_, otherApi) = await browser.App.NewOrgAsync();
        (await otherApi.PostJsonAsync("/api/v1/partners", new { type = "Guide", name = "Чужой гид", languages = new[] { "ru" }, isActive = true }))
            .EnsureSuccessStatusCode();

        var page = await browser.NewPageAsync();
        await SignInAsync(page, owner);
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal));

        await page.GotoAsync("/tours");
        await WaitForCircuitAsync(page);
        await page.GetByTestId("tours-search").FillAsync("Сон-Куль");
        await Expect(page.GetByText("Каньон Сказка")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("tours-export")).ToHaveAttributeAsync("href", new Regex("search="));
        var tours = await DownloadAsync(page, page.GetByTestId("tours-export"));
        tours.ShouldContain("Сон-Куль на конях");
        tours.ShouldNotContain("Каньон Сказка");

        await page.GotoAsync("/partners");
        await WaitForCircuitAsync(page);
        var partners = await DownloadAsync(page, page.GetByTestId("partners-export"));
        partners.ShouldContain("Гид Азамат");
        partners.ShouldNotContain("Чужой гид");
    }

    /// <summary>
    /// The button is a plain download link (the file does not pass through the circuit); the test follows its address
    /// with the page's own cookies, which is what the browser does on the click.
    /// </summary>
    private static async Task<string> DownloadAsync(IPage page, ILocator button)
    {
        (await button.GetAttributeAsync("download")).ShouldNotBeNull();
        var href = (await button.GetAttributeAsync("href")).ShouldNotBeNull();
        var response = await page.Context.APIRequest.GetAsync(new Uri(new Uri(page.Url), href).ToString());
        response.Status.ShouldBe(200);
        response.Headers["content-disposition"].ShouldContain(".csv");
        return await response.TextAsync();
    }
}
