using System.ClientModel;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// §16's request log in Chromium: after real calls through <c>/v1</c>, an admin opens the client's detail page, reads
/// the log, filters it by outcome, downloads the CSV of exactly the filtered rows, and axe finds nothing serious.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class RequestLogTests(BrowserFixture browser, DetailPortal portal, ITestOutputHelper output)
    : BrowserTest<DetailPortal>(browser, portal, output), IClassFixture<DetailPortal>
{
    private const string Client = DetailPortal.NewClient;

    [Fact]
    public async Task Admin_filters_the_request_log_and_downloads_the_filtered_csv()
    {
        var key = await Portal.CreateKeyAsync(Client);
        await Portal.CallDummyModelAsync(key);
        await Portal.CallDummyModelAsync(key, "A second question");
        var refused = () => Portal.Sdk(key).GetChatClient("gpt-4o").CompleteChatAsync("not for this client");
        (await refused.Should().ThrowAsync<ClientResultException>()).Which.Status.Should().Be(403);

        await Page.DevSignInAsync(BrowserConfig.Admin, $"/clients/{Client}");
        var panel = new DetailPage(Page).Panel("Request log");
        var rows = panel.Locator("tr.request-log-entry");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.First).ToContainTextAsync("gpt-4o");
        await Expect(rows.First).ToContainTextAsync("403 model_not_allowed (refused_access)");
        await Expect(panel.GetByText("Times are UTC", new() { Exact = false })).ToBeVisibleAsync();

        await panel.Locator(".log-filter-outcome").First.ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "refused_access" }).ClickAsync();
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
        await Page.ExpectNoSeriousViolationsAsync(Output);
    }
}
