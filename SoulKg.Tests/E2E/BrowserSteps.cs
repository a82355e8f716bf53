using Microsoft.Playwright;
using SoulKg.Tests.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace SoulKg.Tests.E2E;

/// <summary>Steps every browser test takes: signing in, and clicking a prerendered page until its circuit answers.</summary>
public static class BrowserSteps
{
    /// <summary>
    /// The page is prerendered: a click before the Blazor circuit is attached does nothing, so click until the
    /// expected element shows up.
    /// </summary>
    public static async Task ClickUntilVisibleAsync(ILocator button, ILocator expected)
    {
        for (var attempt = 0; attempt < 10 && !await expected.IsVisibleAsync(); attempt++)
        {
            try
            {
                // A click that landed but is slow to render must not be repeated: the dialog's overlay would take it.
                await button.ClickAsync(new() { Timeout = 2_000 });
                await expected.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 3_000 });
            }
            catch (TimeoutException)
            {
                // not interactive yet, or still rendering: look again
            }
        }

        await Expect(expected).ToBeVisibleAsync();
    }

    /// <summary>Waits until the page's Blazor circuit is attached, so that the next click is handled, not lost.</summary>
    public static Task WaitForCircuitAsync(IPage page, int timeout = 45_000) =>
        page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = timeout });

    public static async Task SignInAsync(IPage page, TestAccount account)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("E-mail").FillAsync(account.Email);
        await page.GetByLabel("Пароль", new() { Exact = true }).FillAsync(account.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
    }
}
