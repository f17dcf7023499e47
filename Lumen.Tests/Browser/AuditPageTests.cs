using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// /audit in Chromium (§17): an admin reads the trail newest first and filters it by client, with no axe
/// violation of any impact; a manager is refused; the picture in docs/ is taken here (LUMEN_UPDATE_SCREENSHOT=1).
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class AuditPageTests(BrowserFixture browser, DemoPortal portal, ITestOutputHelper output)
    : BrowserTest<DemoPortal>(browser, portal, output)
{
    private ILocator Rows => Page.Locator(".audit-table tbody tr.audit-entry");

    [Fact]
    public async Task Admin_filters_the_audit_trail_by_client_and_the_page_has_no_axe_violations()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin, "/audit");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Audit trail", Level = 1 })).ToBeVisibleAsync();
        await Expect(Rows.First).ToBeVisibleAsync();

        await Page.Locator(".filter-client input").FillAsync("research-bot");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("client=research-bot"));
        await Expect(Rows.Locator(".audit-client").Filter(new() { HasNotText = "research-bot" })).ToHaveCountAsync(0);
        await Expect(Rows.Filter(new() { HasText = "created research-bot" })).ToHaveCountAsync(1);
        (await Page.Locator(".audit-csv").GetAttributeAsync("href")).Should().Contain("/audit.csv?client=research-bot");
        await Page.ExpectNoAxeViolationsAsync(Output);
    }

    [Fact]
    public async Task A_manager_is_refused_the_audit_trail()
    {
        await Page.DevSignInAsync(DemoPortal.Manager, "/audit");

        await Expect(new ClientsPage(Page).AccessDenied).ToBeVisibleAsync();
        await Expect(Page.Locator(".audit-table")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Audit_page_is_captured()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin, "/audit");
        await Expect(Rows.First).ToBeVisibleAsync();
        await Page.SetViewportSizeAsync(1400, 1100);
        await Page.EvaluateAsync("() => document.fonts.ready.then(() => true)");

        var png = await Page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        png.Length.Should().BeGreaterThan(20_000, "a page with a filled table is a substantial picture");

        await Screenshots.SaveAsync(png, "audit-page.png", Output);
    }
}
