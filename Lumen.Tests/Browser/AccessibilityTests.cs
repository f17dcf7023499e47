using Lumen.Domain.Clients;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>axe-core on the pages people open every day: no violation of any impact.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class AccessibilityTests(BrowserFixture browser, DemoPortal portal, ITestOutputHelper output)
    : BrowserTest<DemoPortal>(browser, portal, output)
{
    [Fact]
    public async Task Clients_page_with_data_has_no_axe_violations()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin);
        await Expect(new ClientsPage(Page).Link("research-bot")).ToBeVisibleAsync();
        // The admin's notes are part of the page: the named entry still waiting for its client.
        await Expect(Page.GetByText(DemoPortal.PendingEntry)).ToBeVisibleAsync();

        await Page.ExpectNoAxeViolationsAsync(Output);
    }

    [Fact]
    public async Task New_client_dialog_has_no_axe_violations()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin);
        await new ClientsPage(Page).NewClientButton.ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "New Client" });
        await dialog.GetByLabel("Name").FillAsync("Not Valid");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        ClientName.TryCreate("Not Valid", out _, out var message).Should().BeFalse();
        await Expect(dialog.GetByText(message)).ToBeVisibleAsync();

        await Page.ExpectNoAxeViolationsAsync(Output);
    }

    [Fact]
    public async Task Clients_page_as_a_manager_has_no_axe_violations()
    {
        await Page.DevSignInAsync(DemoPortal.Manager);
        await Expect(new ClientsPage(Page).Link("research-bot")).ToBeVisibleAsync();

        await Page.ExpectNoAxeViolationsAsync(Output);
    }

    [Fact]
    public async Task Access_denied_page_has_no_axe_violations()
    {
        await Page.DevSignInAsync(DemoPortal.Stranger);
        await Expect(new ClientsPage(Page).AccessDenied).ToBeVisibleAsync();

        await Page.ExpectNoAxeViolationsAsync(Output);
    }

    [Fact]
    public async Task Development_sign_in_page_has_no_axe_violations()
    {
        await Page.GotoAsync("/auth/dev-sign-in?returnUrl=%2Fclients");
        await Expect(Page.GetByLabel("E-mail address")).ToBeVisibleAsync();

        await Page.ExpectNoAxeViolationsAsync(Output);
    }
}
