using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// The picture of /clients/{name} in the docs: an admin's view of a client with managers, keys, consent and usage.
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
        await Expect(page.KeyRow("annotation-service")).ToBeVisibleAsync();
        await Expect(page.Panel("Usage")).ToContainTextAsync("48,213");
        // The whole page in one window, fonts loaded. The heading keeps the focus FocusOnNavigate gave it (for screen
        // readers): the picture shows it draws no box.
        await Page.SetViewportSizeAsync(1400, 1400);
        await Expect(page.Heading(DetailPortal.ShowcaseClient)).ToBeFocusedAsync();
        await Page.EvaluateAsync("() => document.fonts.ready.then(() => true)");

        var png = await Page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        png.Length.Should().BeGreaterThan(20_000, "a page with five filled panels is a substantial picture");

        await Screenshots.SaveAsync(png, "client-detail.png", Output);
    }
}
