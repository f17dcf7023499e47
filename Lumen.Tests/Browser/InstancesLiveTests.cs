using Lumen.Tests.Hosting;
using Lumen.Tests.Instances;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// §18 in a real browser: a /clients page open on instance B follows calls, a config apply and the command line on
/// instance A and beside it, through Redis, without a reload.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class InstancesLiveTests(BrowserFixture browser, TwoInstances instances) : IClassFixture<TwoInstances>, IAsyncLifetime
{
    private Microsoft.Playwright.IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await browser.NewContextAsync(instances.B.BaseAddress);

    public Task DisposeAsync() => _context.CloseAsync();

    [Fact]
    public async Task A_page_on_B_shows_a_call_on_A_a_config_apply_on_A_and_a_command_line_change()
    {
        var page = await _context.NewPageAsync();
        await page.DevSignInAsync(BrowserConfig.Admin);
        var clients = new ClientsPage(page);
        var requests = await clients.CellAsync(TwoInstances.Client, "Requests");
        var before = await instances.A.PoolAsync(TwoInstances.Client);
        await Expect(requests).ToHaveTextAsync(before.Requests.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.EvaluateAsync("() => window.__notReloaded = true");

        await instances.A.CallDummyModelAsync(instances.Key, "seen on B");
        await Expect(requests).ToHaveTextAsync((before.Requests + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));

        await instances.A.WriteConfigAsync(BrowserConfig.Config()
            .WithClient(TwoInstances.Client, new(Max: 321.0m, Refresh: 1.0m, Starting: 100.0m, TestConfig.Access.AllModels))
            .ToString());
        await Expect(clients.Status.Filter(new() { HasText = TwoInstances.Client })).ToBeAttachedAsync();

        var (exit, _, stderr) = await instances.RunCommandLineAsync("clients", "create", "browser-cli-bot");
        exit.Should().Be(0, stderr);
        await Expect(clients.Link("browser-cli-bot")).ToBeVisibleAsync();

        (await page.EvaluateAsync<bool>("() => window.__notReloaded === true")).Should().BeTrue("the page updated in place");
    }
}
