using System.Globalization;
using System.Text.RegularExpressions;
using Lumen.Domain.Budget;
using Lumen.Portal.Display;
using Lumen.Tests.Hosting;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// An open /clients page follows what happens elsewhere (§7, §11): calls through the gateway, a config file saved on
/// disk, another person's action. Each test marks the window first and checks the mark survives: no reload happened.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class LiveUpdateTests(BrowserFixture browser, LiveUpdateTests.LivePortal portal, ITestOutputHelper output)
    : BrowserTest<LiveUpdateTests.LivePortal>(browser, portal, output), IClassFixture<LiveUpdateTests.LivePortal>
{
    public const string Watcher = "watcher@example.org";

    public sealed class LivePortal : PortalServer
    {
        public string Key { get; private set; } = "";

        protected override string InitialConfig => Config(budgetMax: 500.0m);

        public static string Config(decimal budgetMax, params string[] admins) => BrowserConfig.Config(admins)
            .WithClient("budget-bot", new(Max: budgetMax, Refresh: 1.0m, Starting: 500.0m, TestConfig.Access.AllModels))
            .ToString();

        protected override async Task SeedAsync()
        {
            await CreateClientAsync("live-bot", Watcher);
            await CreateClientAsync("budget-bot");
            await CreateClientAsync("quiet-bot");
            Key = await NewKeyAsync("live-bot");
        }
    }

    private ClientsPage Clients => new(Page);

    [Fact]
    public async Task Calls_through_the_gateway_update_the_row_and_cards_without_reload()
    {
        var before = await Portal.PoolAsync("live-bot");
        await Page.DevSignInAsync(BrowserConfig.Admin);
        var requests = await Clients.CellAsync("live-bot", "Requests");
        var coins = await Clients.CellAsync("live-bot", "Coins");
        await Expect(requests).ToHaveTextAsync(Count(before.Requests));
        await MarkWindowAsync();

        for (var i = 0; i < 3; i++) await Portal.CallDummyModelAsync(Portal.Key);

        var after = await Portal.PoolAsync("live-bot");
        after.Requests.Should().Be(before.Requests + 3);
        after.CoinsSpentMicros.Should().BeGreaterThan(before.CoinsSpentMicros, "the dummy model costs coins in this config");
        await Expect(requests).ToHaveTextAsync(Count(after.Requests));
        await Expect(await Clients.CellAsync("live-bot", "Tokens Used")).ToHaveTextAsync(Count(after.Tokens));
        await Expect(coins).ToHaveTextAsync(Words.Amount(Coins.FromMicros(after.CoinsSpentMicros)));
        await Expect(Clients.CardValue("Total Requests")).ToHaveTextAsync(Count(await Portal.TotalRequestsAsync()));
        await Expect(Clients.Status.Filter(new() { HasText = "live-bot" })).ToBeAttachedAsync();
        await ExpectNoReloadAsync();
    }

    [Fact]
    public async Task A_config_save_on_disk_is_announced_without_reload()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin);
        await Expect(Clients.Row("budget-bot")).ToBeVisibleAsync();
        await MarkWindowAsync();

        try
        {
            await Portal.WriteConfigAsync(LivePortal.Config(budgetMax: 250.0m));
            await Expect(Clients.Status.Filter(new() { HasText = "budget-bot" })).ToBeAttachedAsync();
            await ExpectNoReloadAsync();
        }
        finally
        {
            await Portal.WriteConfigAsync(LivePortal.Config(budgetMax: 500.0m));
            await Portal.ReloadConfigAsync();
        }
    }

    [Fact]
    public async Task A_manager_made_admin_in_the_config_file_sees_every_client_without_reload()
    {
        await Page.DevSignInAsync(Watcher);
        await Expect(Clients.Link("live-bot")).ToBeVisibleAsync();
        await Expect(Clients.Link("budget-bot")).ToHaveCountAsync(0);
        await Expect(Clients.NewClientButton).ToHaveCountAsync(0);
        await MarkWindowAsync();

        try
        {
            await Portal.WriteConfigAsync(LivePortal.Config(500.0m, BrowserConfig.Admin, Watcher));

            await Expect(Clients.Link("budget-bot")).ToBeVisibleAsync();
            await Expect(Clients.Link("quiet-bot")).ToBeVisibleAsync();
            await Expect(Clients.NewClientButton).ToBeVisibleAsync();
            await ExpectNoReloadAsync();
        }
        finally
        {
            await Portal.WriteConfigAsync(LivePortal.Config(budgetMax: 500.0m));
            await Portal.ReloadConfigAsync();
        }
        // And back: no longer an admin, a manager again.
        await Expect(Clients.Link("budget-bot")).ToHaveCountAsync(0);
        await Expect(Clients.NewClientButton).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_manager_sees_a_client_appear_when_an_admin_assigns_them()
    {
        await Page.DevSignInAsync(Watcher);
        await Expect(Clients.NameCells).ToHaveTextAsync(["live-bot"]);
        await MarkWindowAsync();

        await Portal.CreateClientAsync("late-arrival", Watcher);

        await Expect(Clients.NameCells).ToHaveTextAsync(["late-arrival", "live-bot"]);
        await Expect(Clients.CardValue("Total Clients")).ToHaveTextAsync("2");
        await ExpectNoReloadAsync();
    }

    [Fact]
    public async Task Deactivating_a_client_elsewhere_turns_its_active_mark_red()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin);
        var active = await Clients.CellAsync("quiet-bot", "Active");
        await Expect(active.GetByRole(AriaRole.Img, new() { Name = "Active", Exact = true })).ToBeVisibleAsync();
        await MarkWindowAsync();

        await Portal.SetActiveAsync("quiet-bot", false);
        try
        {
            await Expect(active.GetByRole(AriaRole.Img, new() { Name = "Inactive", Exact = true })).ToBeVisibleAsync();
            await Expect(Clients.Status).ToContainTextAsync("deactivated quiet-bot");
            await ExpectNoReloadAsync();
        }
        finally
        {
            await Portal.SetActiveAsync("quiet-bot", true);
        }
    }

    [Fact]
    public async Task A_change_made_on_the_command_line_reaches_the_open_page_within_five_seconds()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin);
        await Expect(Clients.Row("quiet-bot")).ToBeVisibleAsync();
        await MarkWindowAsync();

        var (exit, stdout, stderr) = await Portal.RunCommandLineAsync("clients", "create", "cli-made-bot");
        exit.Should().Be(0, $"the command line succeeds (stdout: {stdout}; stderr: {stderr})");
        var ran = System.Diagnostics.Stopwatch.StartNew();

        // Another process: this portal hears of it only from the database (§18, the change journal).
        await Expect(Clients.Link("cli-made-bot")).ToBeVisibleAsync(new() { Timeout = 5_000 });
        await Expect(Clients.Status).ToContainTextAsync("cli created cli-made-bot", new() { Timeout = 5_000 - (float)ran.Elapsed.TotalMilliseconds });
        await ExpectNoReloadAsync();
    }

    private static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>Leaves a mark on the window object: a reload would wipe it.</summary>
    private async Task MarkWindowAsync() => await Page.EvaluateAsync("() => { window.__lumenNoReload = true; }");

    private async Task ExpectNoReloadAsync() =>
        (await Page.EvaluateAsync<bool>("() => window.__lumenNoReload === true")).Should().BeTrue("the page updated in place");
}
