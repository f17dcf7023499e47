using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// The picture of /clients in the README: an admin's view of fourteen realistic clients. Every run renders it into
/// TestResults/; with LUMEN_UPDATE_SCREENSHOT=1 (scripts/screenshot.sh) it also replaces docs/clients-page.png.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ClientsPageScreenshot(BrowserFixture browser, DemoPortal portal, ITestOutputHelper output)
    : BrowserTest<DemoPortal>(browser, portal, output)
{
    [Fact]
    public async Task Clients_page_with_realistic_data_is_captured()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin);
        var clients = new ClientsPage(Page);
        await Expect(clients.Link("research-bot")).ToBeVisibleAsync();
        await Expect(clients.CardValue("Total Clients")).ToHaveTextAsync(DemoPortal.Clients.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The whole page in one window (the drawer runs full height), fonts loaded; the heading keeps its focus.
        await Page.SetViewportSizeAsync(1400, 1100);
        await Page.EvaluateAsync("() => document.fonts.ready.then(() => true)");

        var png = await Page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        png.Length.Should().BeGreaterThan(20_000, "a page with cards and a filled table is a substantial picture");

        await Screenshots.SaveAsync(png, "clients-page.png", Output);
    }
}
