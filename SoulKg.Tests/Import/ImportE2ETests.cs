using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SoulKg.Tests.E2E;
using static Microsoft.Playwright.Assertions;
using static SoulKg.Tests.E2E.BrowserSteps;
using static SoulKg.Tests.Import.ImportTestFiles;

namespace SoulKg.Tests.Import;

/// <summary>
/// Настройки → Импорт in a real browser: upload chat exports and CSVs, check who is who and the CSV preview, start, watch
/// the run finish with a per-file report (a bad CSV row named by its line), and open an imported client.
/// </summary>
public sealed partial class ImportE2ETests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 120_000 };

    [Fact]
    public async Task AnAdminUploadsExportsSeesTheReportWithTheBadRowAndOpensAnImportedClient()
    {
        var owner = await browser.App.CreateOrgAsync();
        var page = await browser.NewPageAsync();
        await SignInAsync(page, owner);
        await page.WaitForURLAsync(FunnelUrl());
        await page.GotoAsync("/settings/import");
        await WaitForCircuitAsync(page);
        // The circuit can be up before InputFile's own script has hooked the input; files set before that are lost.
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=import-files]')?._blazorInputFileNextFileId !== undefined",
            null, new() { Timeout = 45_000 });

        var badCsv = "Имя;Телефон\nАйдар;+996 555 10 20 30\nБекзат;12345\n";
        await page.GetByTestId("import-files").SetInputFilesAsync(new FilePayload[]
        {
            new() { Name = "whatsapp-android-ru.txt", MimeType = "text/plain", Buffer = Bytes("whatsapp-android-ru.txt") },
            new() { Name = "whatsapp-android-en.txt", MimeType = "text/plain", Buffer = Bytes("whatsapp-android-en.txt") },
            new() { Name = "clients.csv", MimeType = "text/csv", Buffer = Bytes("clients.csv") },
            new() { Name = "bad.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(badCsv) },
        });

        var setup = page.GetByTestId("import-setup");
        await Expect(setup).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("import-analyzed-file")).ToHaveCountAsync(4);
        var soulKg = page.GetByTestId("import-author-row").Filter(new() { HasText = "Soul KG ·" });
        await Expect(soulKg.Locator("input[type=checkbox]")).ToBeCheckedAsync();
        await Expect(page.GetByTestId("import-csv-preview")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("import-csv-preview").First).ToContainTextAsync("Айгерим Садыкова");
        await Expect(page.GetByTestId("import-csv-preview").First).ToContainTextAsync("+996 555 12 34 56");

        await page.GetByTestId("import-start").ClickAsync();

        await page.WaitForURLAsync(RunUrl(), new() { Timeout = 60_000 });
        var run = page.GetByTestId("import-run");
        await Expect(run).ToHaveAttributeAsync("data-status", "CompletedWithErrors", Slow);
        await Expect(page.GetByTestId("import-run-summary")).ToContainTextAsync("Файлов: 4 из 4");
        await Expect(page.GetByTestId("import-progress")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=import-file][data-file-status=imported]")).ToHaveCountAsync(3);
        var error = page.Locator("[data-testid=import-file][data-file-status=failed]").GetByTestId("import-file-error");
        await Expect(error).ToHaveAttributeAsync("data-line", "3");
        await Expect(error).ToContainTextAsync("строка 3");
        await Expect(error).ToContainTextAsync("12345");
        await Expect(page.GetByTestId("import-history-row")).ToHaveCountAsync(1);

        await page.Locator("[data-testid=import-file]").Filter(new() { HasText = "whatsapp-android-ru.txt" }).GetByTestId("import-file-client").ClickAsync();

        await page.WaitForURLAsync(ClientUrl());
        await Expect(page.GetByTestId("client-title")).ToHaveTextAsync("Айгуль Токтогулова");
    }

    [GeneratedRegex("/funnel$")]
    private static partial Regex FunnelUrl();

    [GeneratedRegex("/settings/import/[0-9a-f-]{36}$")]
    private static partial Regex RunUrl();

    [GeneratedRegex("/clients/[0-9a-f-]{36}$")]
    private static partial Regex ClientUrl();
}
