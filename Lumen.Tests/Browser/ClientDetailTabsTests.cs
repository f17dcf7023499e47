using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// The detail page's tabs in Chromium: a tab's URL opens it, a click shows another in the same circuit (no page load),
/// the back button returns to the tab before, the keyboard reaches the tabs with a visible focus, and the CSV links on
/// the tabs still download files rather than being taken for tabs.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ClientDetailTabsTests(BrowserFixture browser, DetailPortal portal, ITestOutputHelper output)
    : BrowserTest<DetailPortal>(browser, portal, output), IClassFixture<DetailPortal>
{
    private const string Client = DetailPortal.ShowcaseClient;

    private static Regex At(string path) => new($"/clients/{Client}{path}$");

    [Fact]
    public async Task A_tabs_url_opens_it_clicks_stay_in_the_page_and_back_returns_to_the_tab_before()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin, $"/clients/{Client}/keys");
        var page = new DetailPage(Page);
        await Expect(page.Tab("Keys")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(page.KeyRow("annotation-service")).ToBeVisibleAsync();
        await Expect(page.TabPanel.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync(["API keys"]);
        await Expect(page.Panel("Budget")).ToBeVisibleAsync();
        await Expect(page.Panel("Request log")).ToHaveCountAsync(0);
        await Page.EvaluateAsync("() => { window.__lumenNoReload = true; }");

        await page.ShowTabAsync("Request log");
        await Expect(Page).ToHaveURLAsync(At("/log"));
        await Expect(page.Panel("Request log").Locator("tr.request-log-entry")).ToHaveCountAsync(25);
        await Expect(page.Panel("API keys")).ToHaveCountAsync(0);
        await page.ShowTabAsync("History");
        await Expect(Page).ToHaveURLAsync(At("/history"));
        await Expect(page.Panel("History").Locator(".audit-entry").First).ToBeVisibleAsync();

        await Page.GoBackAsync();
        await Expect(Page).ToHaveURLAsync(At("/log"));
        await Expect(page.Tab("Request log")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(page.Panel("Request log").Locator("tr.request-log-entry")).ToHaveCountAsync(25);
        await Expect(page.Panel("History")).ToHaveCountAsync(0);
        await Page.GoBackAsync();
        await Expect(Page).ToHaveURLAsync(At("/keys"));
        await Expect(page.KeyRow("annotation-service")).ToBeVisibleAsync();

        await page.ShowTabAsync("Usage");
        await Expect(Page).ToHaveURLAsync(At(""));
        await Expect(page.Panel("Usage over time")).ToBeVisibleAsync();
        (await Page.EvaluateAsync<bool>("() => window.__lumenNoReload === true")).Should().BeTrue("tabs change in the same circuit, without a page load");
    }

    [Fact]
    public async Task The_keyboard_reaches_the_tabs_with_a_visible_focus_that_stays_on_the_tab_chosen()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin, $"/clients/{Client}");
        var page = new DetailPage(Page);
        await Expect(page.Panel("Usage over time")).ToBeVisibleAsync();
        await page.Tab("Usage").FocusAsync();

        await Page.Keyboard.PressAsync("Tab");
        await Expect(page.Tab("Access")).ToBeFocusedAsync();
        (await page.Tab("Access").EvaluateAsync<string>("t => getComputedStyle(t).outlineStyle")).Should().NotBe("none");
        await Page.Keyboard.PressAsync("Enter");

        await Expect(Page).ToHaveURLAsync(At("/access"));
        await Expect(page.Tab("Access")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(page.ModelRow(DetailPortal.GraylistedModel)).ToBeVisibleAsync();
        await Expect(page.Tab("Access")).ToBeFocusedAsync(); // another tab is not another page: focus stays, not on the h1
    }

    [Theory]
    [InlineData("History", ".history-csv", "history")]
    [InlineData("Request log", ".request-log-csv", "requests")]
    public async Task The_csv_links_on_the_tabs_download_files(string tab, string link, string file)
    {
        await Page.DevSignInAsync(BrowserConfig.Admin, $"/clients/{Client}");
        var page = new DetailPage(Page);
        await page.ShowTabAsync(tab);

        var download = await Page.RunAndWaitForDownloadAsync(() => page.TabPanel.Locator(link).ClickAsync());

        download.SuggestedFilename.Should().Be($"{Client}-{file}.csv");
        (await File.ReadAllTextAsync((await download.PathAsync())!)).Should().Contain("time_utc");
        await Expect(page.Tab(tab)).ToHaveAttributeAsync("aria-selected", "true");
    }
}
