using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// The picture of /clients/{name} in the docs: an admin's view of a client's state, budget and usage, with its tabs
/// and the default one, usage over time.
/// Every run renders it into TestResults/; with LUMEN_UPDATE_SCREENSHOT=1 (scripts/screenshot.sh) it also replaces
/// docs/client-detail.png.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ClientDetailScreenshot(BrowserFixture browser, DetailPortal portal, ITestOutputHelper output)
    : BrowserTest<DetailPortal>(browser, portal, output), IClassFixture<DetailPortal>
{
    [Fact]
    public async Task Client_detail_page_with_realistic_data_is_captured()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin, $"/clients/{DetailPortal.ShowcaseClient}");
        var page = new DetailPage(Page);
        await Expect(page.Tab("Usage")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(page.Panel("Usage over time").Locator("figure.client-balance svg")).ToBeVisibleAsync();
        await Expect(page.Panel("Usage")).ToContainTextAsync("48,213");
        // The whole page in one window, fonts loaded. The heading keeps the focus FocusOnNavigate gave it (for screen
        // readers): the picture shows it draws no box.
        // The long sections are tabs, so the page stays short: 4,292 px at this width before them, every section one
        // under another. Measured in a low window, as the document is never shorter than the window.
        await Page.SetViewportSizeAsync(1400, 400);
        var height = await Page.EvaluateAsync<int>("() => document.documentElement.scrollHeight");
        Output.WriteLine($"page height at 1400 px: {height}");
        height.Should().BeLessThan(2_000);
        await Page.SetViewportSizeAsync(1400, 1400);
        await Expect(page.Heading(DetailPortal.ShowcaseClient)).ToBeFocusedAsync();
        await Page.EvaluateAsync("() => document.fonts.ready.then(() => true)");

        var png = await Page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        png.Length.Should().BeGreaterThan(20_000, "a page with three filled panels and four charts is a substantial picture");

        await Screenshots.SaveAsync(png, "client-detail.png", Output);

        // Each tab's height, for the record (the request log's 25 rows make the longest).
        await Page.SetViewportSizeAsync(1400, 400);
        foreach (var tab in new[] { "Access", "Keys", "Managers", "Request log", "History" })
        {
            await page.ShowTabAsync(tab);
            await Expect(page.TabPanel.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToBeVisibleAsync();
            Output.WriteLine($"{tab}: {await Page.EvaluateAsync<int>("() => document.documentElement.scrollHeight")} px");
        }
    }
}
