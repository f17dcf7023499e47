using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>axe-core on the client detail page, each of its tabs, and its dialogs: no violation of any impact.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ClientDetailAccessibilityTests(BrowserFixture browser, DetailPortal portal, ITestOutputHelper output)
    : BrowserTest<DetailPortal>(browser, portal, output), IClassFixture<DetailPortal>
{
    private const string Client = DetailPortal.ShowcaseClient;

    private async Task<DetailPage> OpenAsync(string email)
    {
        await Page.DevSignInAsync(email, $"/clients/{Client}/keys");
        var page = new DetailPage(Page);
        await Expect(page.KeyRow("annotation-service")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Each tab's panel, filled, as it is when its tab is clicked.</summary>
    private static readonly (string Tab, string Filled)[] Tabs =
    [
        ("Usage", "figure.client-requests svg"), ("Access", ".model-row"), ("Keys", ".api-key"), ("Managers", ".manager-email"),
        ("Request log", "tr.request-log-entry"), ("History", ".history-panel tbody tr"),
    ];

    private async Task ExpectNoViolationsOnEveryTabAsync(DetailPage page)
    {
        foreach (var (tab, filled) in Tabs)
        {
            await page.ShowTabAsync(tab);
            await Expect(page.TabPanel.Locator(filled).First).ToBeVisibleAsync();
            Output.WriteLine($"tab {tab}:");
            await Page.ExpectNoAxeViolationsAsync(Output);
        }
    }

    [Fact]
    public async Task Detail_page_as_an_admin_has_no_axe_violations_on_any_tab()
    {
        await ExpectNoViolationsOnEveryTabAsync(await OpenAsync(BrowserConfig.Admin));
    }

    [Fact]
    public async Task Detail_page_as_a_manager_has_no_axe_violations_on_any_tab()
    {
        var page = await OpenAsync(DetailPortal.ShowcaseManager);
        await Expect(page.ActiveSwitch).ToHaveCountAsync(0);

        await ExpectNoViolationsOnEveryTabAsync(page);
    }

    [Fact]
    public async Task Confirmation_and_new_key_dialogs_have_no_axe_violations()
    {
        var page = await OpenAsync(BrowserConfig.Admin);

        await page.ActiveSwitch.ClickAsync();
        await Expect(page.Dialog($"Deactivate {Client}?")).ToBeVisibleAsync();
        await Page.ExpectNoAxeViolationsAsync(Output);
        await page.ConfirmAsync($"Deactivate {Client}?", "Cancel");
        await Expect(page.ActiveState).ToHaveTextAsync("Active");

        await page.NewKeyButton.ClickAsync();
        await Expect(page.Dialog($"New API key for {Client}").GetByLabel("Key name")).ToBeVisibleAsync();
        await Page.ExpectNoAxeViolationsAsync(Output);

        await page.Dialog($"New API key for {Client}").GetByLabel("Key name").FillAsync("axe");
        await page.Dialog($"New API key for {Client}").GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.Dialog("Your new API key").GetByText("Copy it now: you will not see it again.")).ToBeVisibleAsync();
        await Page.ExpectNoAxeViolationsAsync(Output);
    }
}
