using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>axe-core on the pages people open every day: no violation of impact serious or critical.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class AccessibilityTests(BrowserFixture browser, DemoPortal portal, ITestOutputHelper output)
    : BrowserTest<DemoPortal>(browser, portal, output)
{
    [Fact]
    public async Task Clients_page_with_data_has_no_serious_or_critical_violations()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin);
        await Expect(new ClientsPage(Page).Link("research-bot")).ToBeVisibleAsync();

        await ExpectNoSeriousViolationsAsync();
    }

    [Fact]
    public async Task New_client_dialog_has_no_serious_or_critical_violations()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin);
        await new ClientsPage(Page).NewClientButton.ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Dialog, new() { Name = "New Client" })).ToBeVisibleAsync();

        await ExpectNoSeriousViolationsAsync();
    }

    [Fact]
    public async Task Clients_page_as_a_manager_has_no_serious_or_critical_violations()
    {
        await Page.DevSignInAsync(DemoPortal.Manager);
        await Expect(new ClientsPage(Page).Link("research-bot")).ToBeVisibleAsync();

        await ExpectNoSeriousViolationsAsync();
    }

    [Fact]
    public async Task Development_sign_in_page_has_no_serious_or_critical_violations()
    {
        await Page.GotoAsync("/auth/dev-sign-in?returnUrl=%2Fclients");
        await Expect(Page.GetByLabel("E-mail address")).ToBeVisibleAsync();

        await ExpectNoSeriousViolationsAsync();
    }

    private async Task ExpectNoSeriousViolationsAsync()
    {
        var result = await Page.RunAxe();
        result.Passes.Should().NotBeEmpty("axe ran its rules on the page");
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        foreach (var minor in result.Violations.Except(serious)) Output.WriteLine($"axe ({minor.Impact}): {minor.Id}: {minor.Help}");
        serious.Should().BeEmpty("axe found on {0}:\n{1}", Page.Url, Describe(serious));
    }

    /// <summary>What axe says is wrong at a node: the messages of its failed checks.</summary>
    private static string Checks(AxeResultNode node) =>
        string.Join("; ", new[] { node.Any, node.All, node.None }.Where(c => c is not null).SelectMany(c => c!).Select(c => c.Message));

    private static string Describe(IEnumerable<AxeResultItem> violations) =>
        string.Join("\n", violations.Select(v =>
            $"- [{v.Impact}] {v.Id}: {v.Help} ({v.HelpUrl})\n" +
            string.Join("\n", v.Nodes.Select(n => $"    at {string.Join(" ", n.Target)}: {n.Html}\n      {Checks(n)}"))));
}
