using Bunit;
using Lumen.Domain.Calls;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.RequestLog;
using Lumen.Seeding;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.UseCases;
using Lumen.Portal.Clients.Detail;
using Lumen.Portal.Display;
using Lumen.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Lumen.Tests.Portal.ClientDetail;

/// <summary>
/// §16 on the detail page: the client's request log newest first, filtered and paged through the database, the CSV link
/// carrying the filters, the newest page following live usage while an older page stays put, and text never markup.
/// </summary>
public sealed class RequestLogPanelTests : DetailPageTest
{
    private TestKey _first = null!;
    private TestKey _second = null!;
    private int _alpha;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _first = await Portal.CreateKeyAsync(Alpha, "first");
        _second = await Portal.CreateKeyAsync(Alpha, "second");
        await using var db = await Portal.Contexts.CreateDbContextAsync();
        _alpha = db.Clients.Single(c => c.Name == Alpha).Id;
    }

    private Task CallAsync(TestKey key, string model, string requestId, CallOutcome outcome = CallOutcome.Ok)
    {
        Portal.Clock.Advance(TimeSpan.FromSeconds(1));
        return outcome == CallOutcome.Ok
            ? Portal.Ledger.ChargeAsync(new CallRecord(_alpha, key.Id, model, 200, null, 1200, 34, 2_500_000, 1234, outcome, "chat", requestId))
            : Portal.Ledger.LogRefusalAsync(new CallRecord(_alpha, key.Id, model, 404, "model_not_found", 0, 0, 0, 2, outcome, "chat", requestId));
    }

    private static List<string> Rows(IRenderedComponent<ClientDetailPage> cut) =>
        cut.FindAll(".request-log-panel .request-log-entry").Select(r => string.Join(" | ", r.QuerySelectorAll("td").Select(TextOf))).ToList();

    private static List<string> RequestIds(IRenderedComponent<ClientDetailPage> cut) =>
        cut.FindAll(".request-log-panel .log-request-id").Select(TextOf).ToList();

    [Fact]
    public async Task A_manager_sees_every_column_of_their_client_log_newest_first()
    {
        await CallAsync(_first, "dummy", "req-1");
        await CallAsync(_second, "<b>gpt</b>", "req-2", CallOutcome.RefusedAccess);

        var cut = RenderPage(ManagerOfAlpha, tab: DetailTab.Log);

        cut.WaitForAssertion(() => Rows(cut).Should().Equal(
            $"2026-03-01 09:00:02 UTC | {_second.Key.Hint} | <b>gpt</b> | 404 model_not_found (refused_access) | 0 | 0 | 0.00 | 2 ms | chat | req-2",
            $"2026-03-01 09:00:01 UTC | {_first.Key.Hint} | dummy | 200 (ok) | 1,200 | 34 | 2.50 | 1,234 ms | chat | req-1"));
        cut.FindAll(".request-log-panel b").Should().BeEmpty("a caller's model name is text, never markup");
        cut.Find(".request-log-panel .request-log-csv").GetAttribute("href").Should().Be("clients/alpha/requests.csv");
        cut.Find(".request-log-panel thead").TextContent.Should().Contain("Time (UTC)");
    }

    [Fact]
    public void An_empty_log_says_so()
    {
        var cut = RenderPage(ManagerOfAlpha, tab: DetailTab.Log);

        cut.WaitForAssertion(() => cut.Find(".request-log-panel .no-requests").TextContent.Should().Be("No requests yet."));
    }

    [Fact]
    public async Task Filters_narrow_the_rows_and_the_csv_link_carries_them()
    {
        await CallAsync(_first, "dummy", "req-1");
        await CallAsync(_second, "llama3", "req-2");
        await CallAsync(_second, "llama3", "req-3", CallOutcome.RefusedAccess);
        var cut = RenderPage(Admin, tab: DetailTab.Log);
        cut.WaitForAssertion(() => RequestIds(cut).Should().Equal("req-3", "req-2", "req-1"));

        cut.Find(".request-log-panel .log-filter-since input").Change("2026-03-01T09:00:02");
        cut.Find(".request-log-panel form.request-log-filters").Submit();

        cut.WaitForAssertion(() => RequestIds(cut).Should().Equal("req-3", "req-2"));
        cut.Find(".request-log-panel .request-log-csv").GetAttribute("href")
            .Should().Be("clients/alpha/requests.csv?since=2026-03-01T09%3A00%3A02Z");

        cut.Find(".request-log-panel .log-filter-until input").Change("yesterday-ish");
        cut.Find(".request-log-panel form.request-log-filters").Submit();
        cut.WaitForAssertion(() => cut.Find(".request-log-panel").TextContent.Should().Contain("Not a date or time"));

        cut.Find(".request-log-panel .log-clear-filters").Click();
        cut.WaitForAssertion(() => RequestIds(cut).Should().Equal("req-3", "req-2", "req-1"));

        cut.Find(".request-log-panel .log-filter-since input").Change("2026-03-02");
        cut.Find(".request-log-panel form.request-log-filters").Submit();
        cut.WaitForAssertion(() => cut.Find(".request-log-panel .no-requests").TextContent.Should().Be("No requests match these filters."));
    }

    [Fact]
    public async Task The_filters_live_in_the_url_so_a_link_opens_the_same_log_and_an_unreadable_one_the_whole_log()
    {
        await CallAsync(_first, "dummy", "req-1");
        await CallAsync(_second, "llama3", "req-2", CallOutcome.RefusedAccess);
        var cut = RenderPage(Admin, tab: DetailTab.Log);
        cut.WaitForAssertion(() => RequestIds(cut).Should().Equal("req-2", "req-1"));

        // A link to a filtered log (or Back to one): the URL decides what the log shows.
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/clients/alpha/log?outcome=refused_access");
        cut.WaitForAssertion(() => RequestIds(cut).Should().Equal("req-2"));
        cut.Find(".request-log-panel .log-filter-outcome input").GetAttribute("value").Should().Be("refused_access");
        cut.Find(".request-log-panel .request-log-csv").GetAttribute("href").Should().Be("clients/alpha/requests.csv?outcome=refused_access");

        cut.Find(".request-log-panel .log-filter-since input").Change("2026-03-01");
        cut.Find(".request-log-panel form.request-log-filters").Submit();
        cut.WaitForAssertion(() => new Uri(navigation.Uri).Query.Should().Be("?outcome=refused_access&since=2026-03-01T00%3A00%3A00Z"));
        cut.WaitForAssertion(() => RequestIds(cut).Should().Equal("req-2"));

        navigation.NavigateTo("/clients/alpha/log?since=soon&outcome=nonsense");
        cut.WaitForAssertion(() => RequestIds(cut).Should().Equal("req-2", "req-1"));
        cut.Find(".request-log-panel .log-filter-since input").GetAttribute("value").Should().Be("soon");
        cut.Find(".request-log-panel").TextContent.Should().Contain("Not a date or time");
        cut.Find(".request-log-panel .request-log-csv").GetAttribute("href").Should().Be("clients/alpha/requests.csv");
    }

    [Fact]
    public async Task Older_and_newer_walk_the_pages_and_only_the_newest_follows_live_usage()
    {
        for (var i = 1; i <= 55; i++) await CallAsync(_first, "dummy", $"req-{i}");
        var cut = RenderPage(Admin, tab: DetailTab.Log);
        cut.WaitForAssertion(() => RequestIds(cut).Should().HaveCount(25).And.StartWith("req-55"));

        // A call elsewhere: the newest page shows it once the page hears of the usage.
        await CallAsync(_second, "dummy", "req-56");
        await Portal.Feed.PublishAsync(new Change(Alpha, ChangeKind.UsageChanged, "usage"));
        cut.WaitForAssertion(() => RequestIds(cut)[0].Should().Be("req-56"), TimeSpan.FromSeconds(5));

        cut.Find(".request-log-panel .log-older").Click();
        cut.WaitForAssertion(() => RequestIds(cut).Should().HaveCount(25).And.StartWith("req-31").And.EndWith("req-7"));
        await CallAsync(_second, "dummy", "req-57");
        await Portal.Feed.PublishAsync(new Change(Alpha, ChangeKind.UsageChanged, "usage"));
        await Task.Delay(1500); // past the page's refresh throttle
        RequestIds(cut)[0].Should().Be("req-31", "an older page stays while someone reads it");

        cut.Find(".request-log-panel .log-older").Click();
        cut.WaitForAssertion(() => RequestIds(cut).Should().Equal("req-6", "req-5", "req-4", "req-3", "req-2", "req-1"));
        cut.Find(".request-log-panel .log-older").HasAttribute("disabled").Should().BeTrue();
        cut.Find(".request-log-panel .log-newer").Click();
        cut.WaitForAssertion(() => RequestIds(cut).Should().HaveCount(25).And.StartWith("req-31"));
        cut.Find(".request-log-panel .log-newest").Click();
        cut.WaitForAssertion(() => RequestIds(cut).Should().HaveCount(25).And.StartWith("req-57"));
        cut.Find(".request-log-panel .log-newer").HasAttribute("disabled").Should().BeTrue();
    }

    [Fact]
    public async Task The_model_filter_offers_a_model_the_client_used_that_the_config_no_longer_defines()
    {
        await CallAsync(_first, "retired-model", "req-retired");
        await CallAsync(_first, "dummy", "req-dummy");
        var cut = RenderPage(ManagerOfAlpha, tab: DetailTab.Log);
        var popovers = Render<MudPopoverProvider>(); // where the select's list opens
        cut.WaitForAssertion(() => RequestIds(cut).Should().Equal("req-dummy", "req-retired"));

        cut.Find(".request-log-panel .log-filter-model").MouseDown();
        popovers.WaitForAssertion(() => popovers.FindAll(".mud-popover-open .mud-list-item").Select(TextOf).Should()
            .Equal("dummy", "llama3", "gray-model", "black-model", "retired-model"));
        popovers.FindAll(".mud-popover-open .mud-list-item").Single(i => TextOf(i) == "retired-model").Click();
        cut.Find(".request-log-panel form.request-log-filters").Submit();

        cut.WaitForAssertion(() => RequestIds(cut).Should().Equal("req-retired"));
        cut.Find(".request-log-panel .request-log-csv").GetAttribute("href").Should().EndWith("requests.csv?model=retired-model");
    }

    [Fact]
    public async Task A_filter_with_no_match_in_the_rows_one_page_examines_says_how_far_it_searched_and_searches_on()
    {
        // The one upstream_timeout is older than the newest RequestLogQuery.ScanLimit rows.
        var start = Portal.Clock.GetUtcNow().UtcDateTime.AddDays(-3);
        await BulkClientSeeder.WriteRequestLogAsync(Database.Options, Enumerable.Range(0, RequestLogQuery.ScanLimit + 1).Select(i => new RequestLogRow
        {
            ClientId = _alpha, ApiKeyId = _first.Id, Model = "dummy", Status = i == 0 ? 504 : 200, ErrorCode = i == 0 ? "upstream_timeout" : null,
            Outcome = i == 0 ? "upstream_timeout" : "ok", At = start.AddSeconds(i), Operation = "chat", RequestId = $"row-{i}",
        }));
        var cut = RenderPage(Admin, tab: DetailTab.Log);
        var popovers = Render<MudPopoverProvider>();
        cut.WaitForAssertion(() => RequestIds(cut).Should().HaveCount(25).And.StartWith($"row-{RequestLogQuery.ScanLimit}"));

        cut.Find(".request-log-panel .log-filter-outcome").MouseDown();
        popovers.WaitForAssertion(() => popovers.FindAll(".mud-popover-open .mud-list-item").Single(i => TextOf(i) == "upstream_timeout").Click());
        cut.Find(".request-log-panel form.request-log-filters").Submit();

        // Examined: rows ScanLimit … 1, so it searched back to row 1's time.
        cut.WaitForAssertion(() => cut.Find(".request-log-panel .request-log-searched").TextContent.Should()
            .Contain($"No more matches in the entries back to {Words.Instant(start.AddSeconds(1))}.").And.Contain("Search older"));
        RequestIds(cut).Should().BeEmpty();
        cut.Find(".request-log-panel .no-requests").TextContent.Should().Be("No requests match these filters in the entries searched.");

        cut.Find(".request-log-panel .log-search-on").Click();
        cut.WaitForAssertion(() => RequestIds(cut).Should().Equal("row-0"));
        cut.FindAll(".request-log-panel .request-log-searched").Should().BeEmpty("the search reached the oldest row");
    }
}
