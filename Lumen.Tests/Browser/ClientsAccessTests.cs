using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>Who sees what on /clients (§6), signed in on the development page: manager, stranger, anonymous.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ClientsAccessTests(BrowserFixture browser, DemoPortal portal, ITestOutputHelper output)
    : BrowserTest<DemoPortal>(browser, portal, output)
{
    private ClientsPage Clients => new(Page);

    [Fact]
    public async Task Manager_sees_only_their_clients_and_cannot_create()
    {
        await Page.DevSignInAsync(DemoPortal.Manager);

        await Expect(Clients.Heading).ToBeVisibleAsync();
        await Expect(Clients.NameCells).ToHaveTextAsync(["data-pipeline", "research-bot"]);
        await Expect(Clients.CardValue("Total Clients")).ToHaveTextAsync("2");
        var theirs = DemoPortal.Clients.Where(c => c.Managers.Contains(DemoPortal.Manager)).ToList();
        await Expect(Clients.CardValue("Total Requests")).ToHaveTextAsync(
            theirs.Sum(c => c.Requests).ToString("#,0", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Clients.NewClientButton).ToHaveCountAsync(0);
        await Expect(Clients.NavLink).ToBeVisibleAsync();

        // Someone else's client answers like an unknown one.
        await Page.OpenAsync("/clients/genomics-annotator");
        await Expect(Clients.AccessDenied).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "genomics-annotator" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Signed_in_stranger_is_denied_and_has_no_clients_link()
    {
        await Page.DevSignInAsync(DemoPortal.Stranger);
        await Expect(Page).ToHaveURLAsync(new Regex("/access-denied|/clients"));

        await Expect(Clients.AccessDenied).ToBeVisibleAsync();
        await Expect(Clients.Rows).ToHaveCountAsync(0);
        await Expect(Clients.NavLink).ToHaveCountAsync(0);
        await Expect(Clients.NewClientButton).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Anonymous_visitor_is_sent_to_sign_in_and_comes_back()
    {
        await Page.GotoAsync("/clients?q=bot");
        await Expect(Page.GetByLabel("E-mail address")).ToBeVisibleAsync();
        await Page.GetByLabel("E-mail address").FillAsync(BrowserConfig.Admin);
        await Page.SignInForm().GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Page.WaitForURLAsync(url => new Uri(url).PathAndQuery == "/clients?q=bot");
        await Page.WaitForCircuitAsync();
        await Expect(Clients.NameCells).ToHaveTextAsync(["code-review-bot", "hpc-helpdesk-bot", "research-bot"]);
    }
}
