using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>How a person gets around the portal: sign in, open a page and wait until it answers clicks.</summary>
internal static class PortalPages
{
    /// <summary>
    /// Waits until the page's Blazor circuit is interactive: the layout renders <c>.circuit-ready</c> only then, so a
    /// click after this reaches the server instead of landing on inert prerendered HTML.
    /// </summary>
    public static Task WaitForCircuitAsync(this IPage page) =>
        page.Locator(".circuit-ready").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    /// <summary>Opens <paramref name="path"/> and waits for the circuit.</summary>
    public static async Task OpenAsync(this IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForCircuitAsync();
    }

    /// <summary>
    /// Signs in as <paramref name="email"/> on the development sign-in page and follows the redirect to
    /// <paramref name="returnUrl"/> (a person who may not open it ends on the access-denied page instead).
    /// </summary>
    public static async Task DevSignInAsync(this IPage page, string email, string returnUrl = "/clients")
    {
        await page.GotoAsync($"/auth/dev-sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.SignInForm().GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        try
        {
            await Expect(page).ToHaveURLAsync(OffTheSignInPages);
            await page.WaitForCircuitAsync();
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            throw new InvalidOperationException($"Signing in as {email} stopped at {page.Url}:\n{await page.TextForDiagnosticsAsync()}", e);
        }
        await Expect(page.SignedInAs(email)).ToBeVisibleAsync();
    }

    /// <summary>Any address but the sign-in pages (/auth/...).</summary>
    private static readonly Regex OffTheSignInPages = new("^(?!.*/auth/)");

    /// <summary>The signed-in e-mail in the app bar.</summary>
    public static ILocator SignedInAs(this IPage page, string email) =>
        page.GetByRole(AriaRole.Banner).GetByText(email, new() { Exact = true });

    /// <summary>The development page's form with the e-mail field (the app bar has a "Sign in" button of its own).</summary>
    public static ILocator SignInForm(this IPage page) =>
        page.Locator("form").Filter(new() { Has = page.GetByLabel("E-mail address") });

    /// <summary>The page's visible text, for a failure message (or why it could not be read).</summary>
    public static async Task<string> TextForDiagnosticsAsync(this IPage page)
    {
        try
        {
            return await page.Locator("body").InnerTextAsync(new() { Timeout = 2000 });
        }
        catch (PlaywrightException e)
        {
            return $"(page text unavailable: {e.Message})";
        }
    }

    /// <summary>The path and query of the page's current address.</summary>
    public static string PathAndQuery(this IPage page) => new Uri(page.Url).PathAndQuery;
}
