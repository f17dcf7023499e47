using Bunit;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Changes;
using Lumen.Portal.Clients;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Lumen.Tests.Portal.Clients;

public sealed class ClientsPageTests : ClientsComponentTest
{
    private async Task SeedAsync()
    {
        var research = await Portal.CreateClientAsync("research-bot");
        await Portal.SetUsageAsync(research.Id, 1200, 30_000, 12_345, 4_500_000);
        var pipeline = await Portal.CreateClientAsync("data-pipeline");
        await Portal.SetUsageAsync(pipeline.Id, 7, 100, 50, 250_000);
        await Portal.CreateClientAsync("grading-assistant");
        (await Portal.Managers.AddAsync(Actor.Cli, "research-bot", ManagerEmail)).Unwrap();
        (await Portal.Clients.SetActiveAsync(Actor.Cli, "grading-assistant", false)).Unwrap();
    }

    private static string[] RowNames(IRenderedComponent<ClientsPage> cut) =>
        cut.FindAll(".client-row td.name").Select(td => td.TextContent.Trim()).ToArray();

    [Fact]
    public async Task Admin_sees_the_four_cards_every_client_and_the_new_client_button()
    {
        await SeedAsync();
        SignIn(AdminEmail, admin: true);

        var cut = Render<ClientsPage>();
        cut.WaitForAssertion(() => RowNames(cut).Should().Equal("data-pipeline", "grading-assistant", "research-bot"));

        var cards = cut.FindAll(".summary-card").ToDictionary(c => c.QuerySelector(".summary-title")!.TextContent, c => c.QuerySelector(".summary-value")!.TextContent);
        cards.Should().Equal(new Dictionary<string, string>
        {
            ["Total Clients"] = "3",
            ["Total Requests"] = "1,207",
            ["Total Tokens Used"] = "42,495",
            ["Coins Spent"] = "4.75",
        });
        var research = cut.FindAll(".client-row").Single(r => r.TextContent.Contains("research-bot", StringComparison.Ordinal));
        research.QuerySelector("td.managers")!.TextContent.Should().Be("1");
        research.QuerySelector("td.requests")!.TextContent.Should().Be("1,200");
        research.QuerySelector("td.tokens")!.TextContent.Should().Be("42,345");
        research.QuerySelector("td.coins")!.TextContent.Should().Be("4.50");
        research.QuerySelector("td.name a")!.GetAttribute("href").Should().Be("clients/research-bot");
        cut.FindAll(".client-row td.active [aria-label]").Select(e => e.GetAttribute("aria-label"))
            .Should().Equal("Active", "Inactive", "Active");
        cut.Find("button.new-client").TextContent.Should().Contain("+ New Client");
    }

    [Fact]
    public async Task Manager_sees_only_their_clients_and_no_new_client_button()
    {
        await SeedAsync();
        SignIn(ManagerEmail, admin: false);

        var cut = Render<ClientsPage>();

        cut.WaitForAssertion(() => RowNames(cut).Should().Equal("research-bot"));
        cut.Find(".summary-card .summary-value").TextContent.Should().Be("1");
        cut.FindAll("button.new-client").Should().BeEmpty();
    }

    [Fact]
    public async Task Search_and_sort_come_from_the_url_and_headers_navigate_with_the_next_order()
    {
        await SeedAsync();
        SignIn(AdminEmail, admin: true);
        var navigation = Services.GetRequiredService<NavigationManager>();

        navigation.NavigateTo("/clients?sort=requests");
        var cut = Render<ClientsPage>();
        cut.WaitForAssertion(() => RowNames(cut).Should().Equal("research-bot", "data-pipeline", "grading-assistant"));
        cut.Find("th[aria-sort='descending']").TextContent.Should().Contain("Requests");

        // Find and click in one step on the renderer's thread: the page re-renders when its query returns.
        await cut.InvokeAsync(() => SortHeader(cut, "Requests").Click());
        navigation.Uri.Should().EndWith("/clients?sort=requests&desc=false", "a second click reverses");
        cut.WaitForAssertion(() => cut.Find("th[aria-sort='ascending']").TextContent.Should().Contain("Requests"));

        await cut.InvokeAsync(() => SortHeader(cut, "Coins").Click());
        navigation.Uri.Should().EndWith("/clients?sort=coins", "a new numeric column starts largest first, the default");

        navigation.NavigateTo("/clients?q=PIPE");
        var searched = Render<ClientsPage>();
        searched.WaitForAssertion(() => RowNames(searched).Should().Equal("data-pipeline"));
        searched.Find(".range").TextContent.Should().Be("1–1 of 1");
    }

    // The page loads on a background thread and re-renders when the query returns, which renews its event handlers:
    // click only after that.
    private static IRenderedComponent<ClientsPage> Loaded(IRenderedComponent<ClientsPage> cut)
    {
        cut.WaitForAssertion(() => cut.FindAll(".mud-progress-linear").Should().BeEmpty());
        return cut;
    }

    private static AngleSharp.Dom.IElement SortHeader(IRenderedComponent<ClientsPage> cut, string label) =>
        cut.FindAll("th button.sort-header").Single(b => b.TextContent.Contains(label, StringComparison.Ordinal));

    [Fact]
    public async Task A_database_failure_says_so_and_the_next_change_loads_the_page_again()
    {
        await SeedAsync();
        SignIn(AdminEmail, admin: true);
        await using (var db = await Portal.Contexts.CreateDbContextAsync())
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE coin_pools RENAME TO coin_pools_away");

        var cut = Render<ClientsPage>();

        cut.WaitForAssertion(() => cut.Find(".load-error[role=alert]").TextContent.Should().Contain("The clients could not be loaded"));
        RowNames(cut).Should().BeEmpty();

        await using (var db = await Portal.Contexts.CreateDbContextAsync())
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE coin_pools_away RENAME TO coin_pools");
        await Portal.Feed.PublishAsync(new Change("research-bot", ChangeKind.UsageChanged, "test"));
        Portal.Clock.Advance(TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() => RowNames(cut).Should().Equal("data-pipeline", "grading-assistant", "research-bot"));
        cut.FindAll(".load-error").Should().BeEmpty();
    }

    [Fact]
    public async Task A_search_without_matches_says_so()
    {
        await SeedAsync();
        SignIn(AdminEmail, admin: true);

        Services.GetRequiredService<NavigationManager>().NavigateTo("/clients?q=zzz");
        var cut = Render<ClientsPage>();

        cut.WaitForAssertion(() => cut.Find(".empty-row").TextContent.Trim().Should().Be("No clients match your filter."));
    }

    [Fact]
    public async Task Paging_shows_the_requested_page_of_the_database_order()
    {
        for (var i = 1; i <= 12; i++) await Portal.CreateClientAsync($"bot-{i:00}");
        SignIn(AdminEmail, admin: true);

        Services.GetRequiredService<NavigationManager>().NavigateTo("/clients?page=2&size=10");
        var cut = Render<ClientsPage>();

        cut.WaitForAssertion(() => RowNames(cut).Should().Equal("bot-11", "bot-12"));
        cut.Find(".range").TextContent.Should().Be("11–12 of 12");
        cut.FindAll(".mud-pagination-item button").Select(b => b.TextContent.Trim()).Should().Contain("2").And.NotContain("3");
    }

    [Fact]
    public async Task A_change_elsewhere_refreshes_rows_and_cards_with_a_notice()
    {
        await SeedAsync();
        SignIn(AdminEmail, admin: true);
        var cut = Render<ClientsPage>();
        cut.WaitForAssertion(() => RowNames(cut).Should().HaveCount(3));

        await Portal.CreateClientAsync("new-arrival");

        cut.WaitForAssertion(() => RowNames(cut).Should().Contain("new-arrival"), TimeSpan.FromSeconds(5));
        cut.Find(".summary-card .summary-value").TextContent.Should().Be("4");
        cut.Find("[role=status]").TextContent.Should().Contain("cli created new-arrival");
    }

    [Fact]
    public async Task A_manager_is_not_told_about_other_clients()
    {
        await SeedAsync();
        SignIn(ManagerEmail, admin: false);
        var cut = Render<ClientsPage>();
        cut.WaitForAssertion(() => RowNames(cut).Should().Equal("research-bot"));

        // The feed leaves other people's clients out of what this page hears: had it heard of data-pipeline, the
        // notice after the next change (shown with every change since the last refresh) would name it.
        (await Portal.Clients.SetActiveAsync(Actor.Cli, "data-pipeline", false)).Unwrap();
        Portal.Clock.Advance(TimeSpan.FromSeconds(2));
        (await Portal.Clients.SetActiveAsync(Actor.Cli, "research-bot", false)).Unwrap();

        cut.WaitForAssertion(() => cut.Find("[role=status]").TextContent.Should().Contain("deactivated research-bot"), TimeSpan.FromSeconds(5));
        cut.Find("[role=status]").TextContent.Should().NotContain("data-pipeline");
        cut.Markup.Should().NotContain("data-pipeline");
    }

    [Fact]
    public async Task New_client_dialog_shows_the_servers_message_for_a_bad_name_and_creates_nothing()
    {
        SignIn(AdminEmail, admin: true);
        var provider = Render<MudDialogProvider>();
        var cut = Loaded(Render<ClientsPage>());

        await cut.InvokeAsync(() => cut.Find("button.new-client").Click());
        provider.WaitForAssertion(() => provider.Find(".new-client-name input"));
        provider.Find(".new-client-name input").Input("<script>alert(1)</script>");
        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Create").Click();

        provider.WaitForAssertion(() => provider.Find(".mud-input-helper-text.mud-input-error").TextContent.Should().Be(
            "A client name must start with a lower-case letter or a digit. A client name may only hold lower-case letters, digits, '-', '_' and '.'."));
        provider.FindAll("script").Should().BeEmpty("the typed text is text, never markup");
        (await Portal.Directory.QueryAsync(new Actor(AdminEmail), new())).Matching.Should().Be(0);
    }

    [Fact]
    public async Task New_client_dialog_creates_the_client_and_goes_to_its_page()
    {
        await Portal.CreateClientAsync("taken-name");
        SignIn(AdminEmail, admin: true);
        var navigation = Services.GetRequiredService<NavigationManager>();
        var provider = Render<MudDialogProvider>();
        var cut = Loaded(Render<ClientsPage>());

        await cut.InvokeAsync(() => cut.Find("button.new-client").Click());
        provider.WaitForAssertion(() => provider.Find(".new-client-name input"));
        provider.Find(".new-client-name input").Input("taken-name");
        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Create").Click();
        provider.WaitForAssertion(() => provider.Find(".new-client-name").TextContent.Should().Contain("A client named 'taken-name' already exists."));

        provider.Find(".new-client-name input").Input("my-service-app");
        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Create").Click();

        cut.WaitForAssertion(() => navigation.Uri.Should().EndWith("/clients/my-service-app"));
        (await Portal.Directory.QueryAsync(new Actor(AdminEmail), new("my-service-app"))).Matching.Should().Be(1);
    }
}
