using System.ClientModel;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// §16's request log in Chromium: after real calls through <c>/v1</c>, an admin opens the client's detail page, reads
/// the log, filters it by outcome, downloads the CSV of exactly the filtered rows, and axe finds no violation.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class RequestLogTests(BrowserFixture browser, DetailPortal portal, ITestOutputHelper output)
    : BrowserTest<DetailPortal>(browser, portal, output), IClassFixture<DetailPortal>
{
    private const string Client = DetailPortal.NewClient;

    [Fact]
    public async Task Admin_filters_the_request_log_and_downloads_the_filtered_csv()
    {
        var key = await Portal.NewKeyAsync(Client);
        await Portal.CallDummyModelAsync(key);
        await Portal.CallDummyModelAsync(key, "A second question");
        var refused = () => Portal.Sdk(key).GetChatClient("gpt-4o").CompleteChatAsync("not for this client");
        (await refused.Should().ThrowAsync<ClientResultException>()).Which.Status.Should().Be(403);

        await Page.DevSignInAsync(BrowserConfig.Admin, $"/clients/{Client}");
        await new DetailPage(Page).ShowTabAsync("Request log");
        var panel = new DetailPage(Page).Panel("Request log");
        var rows = panel.Locator("tr.request-log-entry");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.First).ToContainTextAsync("gpt-4o");
        await Expect(rows.First).ToContainTextAsync("403 model_not_allowed (refused_access)");
        await Expect(panel.GetByText("Times are UTC", new() { Exact = false })).ToBeVisibleAsync();

        await panel.Locator(".log-filter-outcome").First.ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "refused_access" }).ClickAsync();
        // As a person would, filter once the choice shows: the select hands its value to the page after a round trip
        // to the browser, and a click at once may submit before it.
        await Expect(panel.Locator(".log-filter-outcome input").First).ToHaveValueAsync("refused_access");
        await panel.Locator(".log-apply-filters").ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("gpt-4o");
        (await panel.Locator(".request-log-csv").GetAttributeAsync("href")).Should().EndWith("requests.csv?outcome=refused_access");

        var download = await Page.RunAndWaitForDownloadAsync(() => panel.Locator(".request-log-csv").ClickAsync());
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2);
        lines[0].Should().StartWith("time_utc,key_hint,model,status,error_code");
        lines[1].Should().Contain(",gpt-4o,403,model_not_allowed,").And.Contain(",chat,refused_access,");
        download.SuggestedFilename.Should().Be($"{Client}-requests.csv");

        await panel.Locator(".log-clear-filters").ClickAsync();
        await Expect(rows).ToHaveCountAsync(3);
        await Page.ExpectNoAxeViolationsAsync(Output);
    }

    [Fact]
    public async Task Refused_calls_reach_an_open_log_without_a_reload()
    {
        const string watched = "log-watcher";
        await Portal.CreateClientAsync(watched);
        var key = await Portal.NewKeyAsync(watched);
        await Page.DevSignInAsync(BrowserConfig.Admin, $"/clients/{watched}/log");
        var rows = new DetailPage(Page).Panel("Request log").Locator("tr.request-log-entry");
        await Expect(rows).ToHaveCountAsync(0);

        var refused = () => Portal.Sdk(key).GetChatClient("gpt-4o").CompleteChatAsync("not for this client");
        (await refused.Should().ThrowAsync<ClientResultException>()).Which.Status.Should().Be(403);
        var unknown = () => Portal.Sdk(key).GetChatClient("no-such-model").CompleteChatAsync("nobody serves this");
        (await unknown.Should().ThrowAsync<ClientResultException>()).Which.Status.Should().Be(404);

        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.First).ToContainTextAsync("404 model_not_found");
        await Expect(rows.Nth(1)).ToContainTextAsync("403 model_not_allowed (refused_access)");
    }

    [Fact]
    public async Task The_filter_lives_in_the_url_so_a_reload_keeps_it_and_back_undoes_it()
    {
        const string client = "log-in-url";
        await Portal.CreateClientAsync(client);
        var key = await Portal.NewKeyAsync(client);
        await Portal.CallDummyModelAsync(key);
        var refused = () => Portal.Sdk(key).GetChatClient("gpt-4o").CompleteChatAsync("not for this client");
        (await refused.Should().ThrowAsync<ClientResultException>()).Which.Status.Should().Be(403);
        await Page.DevSignInAsync(BrowserConfig.Admin, $"/clients/{client}/log");
        await Page.WaitForCircuitAsync();
        var panel = new DetailPage(Page).Panel("Request log");
        var rows = panel.Locator("tr.request-log-entry");
        await Expect(rows).ToHaveCountAsync(2);

        await panel.Locator(".log-filter-outcome").First.ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "refused_access" }).ClickAsync();
        await Expect(panel.Locator(".log-filter-outcome input").First).ToHaveValueAsync("refused_access");
        await panel.Locator(".log-apply-filters").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"/clients/{client}/log\\?outcome=refused_access$"));
        await Expect(rows).ToHaveCountAsync(1);

        await Page.ReloadAsync();
        await Page.WaitForCircuitAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("refused_access");
        await Expect(panel.Locator(".log-filter-outcome input").First).ToHaveValueAsync("refused_access");

        await Page.GoBackAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"/clients/{client}/log$"));
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(panel.Locator(".log-filter-outcome input").First).ToHaveValueAsync("");

        // A link someone mistyped shows the whole log, its unreadable time marked in its field: never a server error.
        await Page.OpenAsync($"/clients/{client}/log?since=soon&outcome=nonsense");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(panel.Locator(".log-filter-since input").First).ToHaveValueAsync("soon");
        await Expect(panel.GetByText("Not a date or time")).ToBeVisibleAsync();
    }

    /// <summary>
    /// The picture of the request log in the docs (docs/request-log.png, with LUMEN_UPDATE_SCREENSHOT=1): the showcase's
    /// morning of calls filtered to one model, over both live keys and several outcomes.
    /// </summary>
    [Fact]
    public async Task Request_log_filtered_by_model_is_captured()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin, $"/clients/{DetailPortal.ShowcaseClient}/log");
        var panel = new DetailPage(Page).Panel("Request log");
        var rows = panel.Locator("tr.request-log-entry");
        await Expect(rows).ToHaveCountAsync(25);

        await panel.Locator(".log-filter-model").First.ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextString = DetailPortal.GraylistedModel }).ClickAsync();
        await Expect(panel.Locator(".log-filter-model input").First).ToHaveValueAsync(DetailPortal.GraylistedModel);
        await panel.Locator(".log-apply-filters").ClickAsync();
        await Expect(panel.Locator(".request-log-csv")).ToHaveAttributeAsync("href", new Regex($"model={DetailPortal.GraylistedModel}$"));
        await Expect(rows).ToHaveCountAsync(25);
        (await rows.Locator(".log-model").AllTextContentsAsync()).Should().OnlyContain(m => m == DetailPortal.GraylistedModel);
        (await rows.Locator(".log-key").AllTextContentsAsync()).Distinct().Should().HaveCountGreaterThan(1, "both live keys call it");
        (await rows.Locator(".log-outcome").AllTextContentsAsync()).Distinct().Should().HaveCountGreaterThan(1, "not every call succeeds");
        // A window wide enough for every column (narrower, the table scrolls in its region) and as tall as the page, so
        // the panel is captured unscrolled, not under the fixed app bar.
        await Page.SetViewportSizeAsync(1600, 900);
        await Expect(panel.Locator(".request-log-scroll")).ToHaveJSPropertyAsync("scrollWidth", await panel.Locator(".request-log-scroll").EvaluateAsync<int>("e => e.clientWidth"));
        await Page.SetViewportSizeAsync(1600, await Page.EvaluateAsync<int>("() => document.documentElement.scrollHeight"));
        await Page.EvaluateAsync("() => document.fonts.ready.then(() => true)");

        var png = await panel.ScreenshotAsync();
        png.Length.Should().BeGreaterThan(20_000, "a filtered page of 25 rows is a substantial picture");
        await Screenshots.SaveAsync(png, "request-log.png", Output);
    }
}
