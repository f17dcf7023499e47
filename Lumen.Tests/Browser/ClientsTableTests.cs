using System.Globalization;
using System.Text.RegularExpressions;
using Lumen.Portal.Display;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>The clients table as an admin uses it: default order, sorting by header, searching, links, and the URL.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ClientsTableTests(BrowserFixture browser, DemoPortal portal, ITestOutputHelper output)
    : BrowserTest<DemoPortal>(browser, portal, output)
{
    private ClientsPage Clients => new(Page);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Page.DevSignInAsync(BrowserConfig.Admin);
    }

    [Fact]
    public async Task Clients_are_listed_by_name_a_to_z_with_totals_in_the_cards()
    {
        await Expect(Clients.Heading).ToBeVisibleAsync();
        await ExpectNamesAsync(DemoPortal.Clients.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase));

        await Expect(Clients.CardValue("Total Clients")).ToHaveTextAsync(DemoPortal.Clients.Count.ToString(CultureInfo.InvariantCulture));
        await Expect(Clients.CardValue("Total Requests")).ToHaveTextAsync(Number(DemoPortal.Clients.Sum(c => c.Requests)));
        await Expect(Clients.CardValue("Total Tokens Used")).ToHaveTextAsync(Number(DemoPortal.Clients.Sum(c => c.Tokens)));
        await Expect(Clients.CardValue("Coins Spent")).ToHaveTextAsync(
            Words.Amount(DemoPortal.Clients.Sum(c => c.CoinsSpent)));

        // One row reads as the seed says, cell by cell.
        var bot = DemoPortal.Clients.Single(c => c.Name == "research-bot");
        await Expect(await Clients.CellAsync(bot.Name, "Managers")).ToHaveTextAsync(bot.Managers.Count.ToString(CultureInfo.InvariantCulture));
        await Expect(await Clients.CellAsync(bot.Name, "Requests")).ToHaveTextAsync(Number(bot.Requests));
        await Expect(await Clients.CellAsync(bot.Name, "Tokens Used")).ToHaveTextAsync(Number(bot.Tokens));
        await Expect(await Clients.CellAsync(bot.Name, "Coins")).ToHaveTextAsync(Words.Amount(bot.CoinsSpent));
        await Expect(await Clients.CellAsync(bot.Name, "Created")).ToContainTextAsync(bot.Created);
    }

    [Fact]
    public async Task Requests_header_sorts_largest_first_and_a_second_click_reverses()
    {
        await Clients.SortButton("Requests").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex(@"/clients\?sort=requests$"));
        await ExpectNamesAsync(DemoPortal.Clients.OrderByDescending(c => c.Requests));
        await Expect(Clients.Header("Requests")).ToHaveAttributeAsync("aria-sort", "descending");

        await Clients.SortButton("Requests").ClickAsync();
        await ExpectNamesAsync(DemoPortal.Clients.OrderBy(c => c.Requests));
        await Expect(Page).ToHaveURLAsync(new Regex(@"/clients\?sort=requests&desc=false$", RegexOptions.IgnoreCase));
        await Expect(Clients.Header("Requests")).ToHaveAttributeAsync("aria-sort", "ascending");

        // Back in history is the previous order: each sort is a navigation.
        await Page.GoBackAsync();
        await ExpectNamesAsync(DemoPortal.Clients.OrderByDescending(c => c.Requests));
    }

    [Fact]
    public async Task Tokens_and_created_headers_sort_their_columns()
    {
        await Clients.SortButton("Tokens Used").ClickAsync();
        await ExpectNamesAsync(DemoPortal.Clients.OrderByDescending(c => c.Tokens));

        await Clients.SortButton("Created").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("sort=created", RegexOptions.IgnoreCase));
        // Newest first, then oldest first.
        await ExpectNamesAsync(DemoPortal.Clients.OrderByDescending(c => c.Created, StringComparer.Ordinal));
        await Clients.SortButton("Created").ClickAsync();
        await ExpectNamesAsync(DemoPortal.Clients.OrderBy(c => c.Created, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Name_header_reverses_the_order()
    {
        await Clients.SortButton("Name").ClickAsync();
        await ExpectNamesAsync(DemoPortal.Clients.OrderByDescending(c => c.Name, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Search_filters_by_name_case_insensitively_and_the_url_can_be_shared()
    {
        await Clients.SearchBox.FillAsync("BOT");
        await ExpectNamesAsync(["code-review-bot", "hpc-helpdesk-bot", "research-bot"], exact: true);
        await Expect(Page).ToHaveURLAsync(new Regex(@"/clients\?q=bot$"));
        // The cards count every client the viewer may see, not only the matches.
        await Expect(Clients.CardValue("Total Clients")).ToHaveTextAsync(DemoPortal.Clients.Count.ToString(CultureInfo.InvariantCulture));

        await Clients.SortButton("Requests").ClickAsync();
        await ExpectNamesAsync(["research-bot", "code-review-bot", "hpc-helpdesk-bot"], exact: true);

        // The address alone brings the same view back: another tab opens it cold.
        var shared = await NewPageAsync();
        await shared.OpenAsync(Page.PathAndQuery());
        var view = new ClientsPage(shared);
        await Expect(view.NameCells).ToHaveTextAsync(["research-bot", "code-review-bot", "hpc-helpdesk-bot"]);
        await Expect(view.SearchBox).ToHaveValueAsync(new Regex("^bot$", RegexOptions.IgnoreCase));
    }

    [Fact]
    public async Task A_search_that_matches_nothing_says_so()
    {
        await Clients.SearchBox.FillAsync("no-such-client");
        await Expect(Clients.NoMatch).ToBeVisibleAsync();
        await Expect(Clients.Link("research-bot")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Name_links_open_the_client_page_and_inactive_clients_stay_listed()
    {
        await Expect(Clients.Row("astro-image-tagger")).ToBeVisibleAsync();
        var inactive = await Clients.CellAsync("astro-image-tagger", "Active");
        await Expect(inactive.GetByRole(AriaRole.Img, new() { Name = "Inactive", Exact = true })).ToBeVisibleAsync();
        var active = await Clients.CellAsync("research-bot", "Active");
        await Expect(active.GetByRole(AriaRole.Img, new() { Name = "Active", Exact = true })).ToBeVisibleAsync();

        await Clients.Link("research-bot").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/clients/research-bot$"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "research-bot", Level = 1 })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Pages_of_ten_split_the_clients_and_the_page_lives_in_the_url()
    {
        var byName = DemoPortal.Clients.Select(c => c.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
        await Page.OpenAsync("/clients?size=10");
        await ExpectNamesAsync(byName.Take(10), exact: true);
        await Expect(Page.GetByText($"1–10 of {byName.Count}")).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Page 2", Exact = true })
            .Or(Page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" }).GetByRole(AriaRole.Button, new() { Name = "2", Exact = true }))
            .First.ClickAsync();
        await ExpectNamesAsync(byName.Skip(10), exact: true);
        await Expect(Page).ToHaveURLAsync(new Regex(@"[?&]page=2(&|$)"));
        await Expect(Page.GetByText($"11–{byName.Count} of {byName.Count}")).ToBeVisibleAsync();

        // Sorting starts again at page 1.
        await Clients.SortButton("Coins").ClickAsync();
        await ExpectNamesAsync(DemoPortal.Clients.OrderByDescending(c => c.CoinsSpent).Take(10).Select(c => c.Name), exact: true);
        await Expect(Page).Not.ToHaveURLAsync(new Regex("page=2"));
    }

    private Task ExpectNamesAsync(IEnumerable<DemoClient> order) => ExpectNamesAsync(order.Select(c => c.Name));

    /// <summary>
    /// The Name column shows <paramref name="names"/> in order: all of them when <paramref name="exact"/>, else as many
    /// as the page holds (the first page of the ordering).
    /// </summary>
    private async Task ExpectNamesAsync(IEnumerable<string> names, bool exact = false)
    {
        var expected = names.ToList();
        await Expect(Clients.NameCells.First).ToHaveTextAsync(expected[0]);
        if (exact)
        {
            await Expect(Clients.NameCells).ToHaveTextAsync(expected.ToArray());
            return;
        }
        await Eventually.AssertAsync(async () =>
        {
            var shown = (await Clients.NameCells.AllInnerTextsAsync()).Select(n => n.Trim()).ToList();
            shown.Should().NotBeEmpty().And.Equal(expected.Take(shown.Count), "the table's rows are the first page of the order");
        });
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
