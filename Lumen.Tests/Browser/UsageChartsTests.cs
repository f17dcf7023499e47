using Lumen.Domain.Budget;
using Lumen.Portal.Display;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// The usage charts (§16) in a real browser: calls through the gateway move an open page's charts, whose table
/// alternative shows the counters' numbers, without a reload; axe finds no violation with the tables open.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class UsageChartsTests(BrowserFixture browser, UsageChartsTests.ChartsPortal portal, ITestOutputHelper output)
    : BrowserTest<UsageChartsTests.ChartsPortal>(browser, portal, output), IClassFixture<UsageChartsTests.ChartsPortal>
{
    public sealed class ChartsPortal : PortalServer
    {
        public string Key { get; private set; } = "";

        protected override async Task SeedAsync()
        {
            await CreateClientAsync("chart-bot");
            await CreateClientAsync("idle-bot");
            Key = await NewKeyAsync("chart-bot");
            await CreateClientAsync(Showcase);
            await ShowcaseUsageAsync();
        }

        public const string Showcase = "research-bot";

        /// <summary>
        /// A day of a client's calls over two models, written as the ledger writes them (its hours, the day, every
        /// client's hourly totals, the balance after each hour) with counters to match, for the picture.
        /// </summary>
        private async Task ShowcaseUsageAsync()
        {
            await using var db = await DbAsync();
            var id = await db.Clients.Where(c => c.Name == Showcase).Select(c => c.Id).SingleAsync();
            var day = SampleUsageDay.Add(db, id, [("dummy", 3), ("llama3", 2)]);
            SampleUsageDay.AddTotals(db);
            await db.SaveChangesAsync();
            await db.CoinPools.Where(p => p.ClientId == id).ExecuteUpdateAsync(p => p
                .SetProperty(x => x.Requests, day.Requests).SetProperty(x => x.InputTokens, day.InputTokens)
                .SetProperty(x => x.OutputTokens, day.OutputTokens).SetProperty(x => x.CoinsSpentMicros, day.CoinsMicros)
                .SetProperty(x => x.BalanceMicros, day.BalanceMicros)
                .SetProperty(x => x.BalanceAsOfMs, new DateTimeOffset(day.LastHour.AddMinutes(50)).ToUnixTimeMilliseconds()));
        }
    }

    /// <summary>The table of a chart (opened), found by the chart's caption.</summary>
    private async Task<ILocator> TableAsync(string caption)
    {
        var figure = Page.Locator("figure", new() { Has = Page.Locator("figcaption", new() { HasTextString = caption }) });
        await figure.Locator("summary").ClickAsync();
        return figure.Locator("table");
    }

    [Fact]
    public async Task The_detail_pages_charts_move_with_calls_without_reload()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin, "/clients/chart-bot");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Usage over time" })).ToBeVisibleAsync();
        var requests = await TableAsync("Requests by model");
        var coins = await TableAsync("Coins by model");
        // The other test may have called already: start from the counters as they are.
        var before = await Portal.PoolAsync("chart-bot");
        if (before.Requests == 0) await Expect(requests.Locator("tfoot td")).ToHaveCountAsync(0); // no model yet: no column
        else await Expect(requests.Locator("tfoot td")).ToHaveTextAsync(Words.Count(before.Requests));
        await Page.EvaluateAsync("() => { window.__lumenNoReload = true; }");

        for (var i = 0; i < 3; i++) await Portal.CallDummyModelAsync(Portal.Key);

        var pool = await Portal.PoolAsync("chart-bot");
        pool.Requests.Should().Be(before.Requests + 3);
        await Expect(requests.Locator("thead th").Nth(1)).ToHaveTextAsync("dummy");
        await Expect(requests.Locator("tfoot td")).ToHaveTextAsync(Words.Count(pool.Requests));
        await Expect(coins.Locator("tfoot td")).ToHaveTextAsync(Words.Amount(Coins.FromMicros(pool.CoinsSpentMicros)));
        await Expect(requests.Locator("tbody tr")).ToHaveCountAsync(24); // the 24 hours, by the hour
        await Expect(Page.Locator("figure.client-requests svg")).ToBeVisibleAsync();
        (await Page.EvaluateAsync<bool>("() => window.__lumenNoReload === true")).Should().BeTrue("the page updated in place");

        await TableAsync("Balance");
        await Page.ExpectNoAxeViolationsAsync(Output);
    }

    [Fact]
    public async Task The_clients_boards_requests_and_top_clients_follow_calls_without_reload()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Usage", Exact = true })).ToBeVisibleAsync();
        var requests = await TableAsync("Requests");
        var before = await Portal.TotalRequestsAsync();
        await Expect(requests.Locator("tfoot td")).ToHaveTextAsync(Words.Count(before));

        await Portal.CallDummyModelAsync(Portal.Key);

        await Expect(requests.Locator("tfoot td")).ToHaveTextAsync(Words.Count(before + 1));
        await Expect(Page.Locator(".top-clients").GetByRole(AriaRole.Link, new() { Name = "chart-bot" })).ToBeVisibleAsync();
        await Expect(Page.Locator(".top-clients").GetByRole(AriaRole.Link, new() { Name = "idle-bot" })).ToHaveCountAsync(0);
        await Page.ExpectNoAxeViolationsAsync(Output);
    }

    [Fact]
    public async Task Usage_charts_of_a_busy_day_are_captured()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin, $"/clients/{ChartsPortal.Showcase}");
        var panel = Page.Locator(".usage-charts");
        await Expect(Page.GetByRole(AriaRole.Figure, new() { Name = "Requests by model" })).ToBeVisibleAsync();
        var pool = await Portal.PoolAsync(ChartsPortal.Showcase);
        var requests = await TableAsync("Requests by model");
        await Expect(requests.Locator("tfoot td")).ToHaveTextAsync([Words.Count(pool.Requests * 3 / 5), Words.Count(pool.Requests * 2 / 5)]);
        await requests.Locator("xpath=ancestor::details").Locator("summary").ClickAsync(); // closed again for the picture
        await Page.SetViewportSizeAsync(1400, 900);
        await Page.EvaluateAsync("() => document.fonts.ready.then(() => true)");

        var png = await panel.ScreenshotAsync();
        png.Length.Should().BeGreaterThan(20_000, "four filled charts are a substantial picture");
        await Screenshots.SaveAsync(png, "usage-charts.png", Output);
    }
}
