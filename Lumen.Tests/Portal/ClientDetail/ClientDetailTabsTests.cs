using Bunit;
using Lumen.Portal.Clients.Detail;

namespace Lumen.Tests.Portal.ClientDetail;

/// <summary>
/// The detail page's tabs: state, budget and usage always on top; below them only the shown tab's panel, each tab a
/// link to its own URL; another tab keeps the page (and its live updates) rather than loading it again.
/// </summary>
public sealed class ClientDetailTabsTests : DetailPageTest
{
    [Theory]
    [InlineData("", "Usage over time")]
    [InlineData("access", "Model access")]
    [InlineData("keys", "API keys")]
    [InlineData("managers", "Managers")]
    [InlineData("log", "Request log")]
    [InlineData("history", "History")]
    public void Each_tab_shows_the_top_panels_and_only_its_own_panel(string slug, string heading)
    {
        var cut = RenderPage(Admin, tab: DetailTab.Of(slug));

        cut.WaitForAssertion(() => PanelHeadings(cut).Should().Equal(heading));
        cut.FindAll("h2").Select(h => h.TextContent.Trim()).Should().Equal("Budget", "Usage", heading);
        var selected = cut.FindAll("[role=tab][aria-selected=true]").Should().ContainSingle().Subject;
        selected.GetAttribute("href").Should().Be(slug.Length == 0 ? "clients/alpha" : $"clients/alpha/{slug}");
        cut.Find("[role=tabpanel]").GetAttribute("aria-labelledby").Should().Be(selected.Id);
        cut.FindAll("[role=tab]").Select(t => t.GetAttribute("aria-controls")).Should().AllBe(cut.Find("[role=tabpanel]").Id);
    }

    [Fact]
    public void Every_tab_is_a_link_to_its_own_url_in_order()
    {
        var cut = RenderPage(ManagerOfAlpha, tab: DetailTab.Keys);

        cut.WaitForAssertion(() => cut.FindAll("[role=tablist] a[role=tab]").Should().HaveCount(6));
        cut.FindAll("[role=tab]").Select(t => $"{TextOf(t)} {t.GetAttribute("href")}").Should().Equal(
            "Usage clients/alpha", "Access clients/alpha/access", "Keys clients/alpha/keys", "Managers clients/alpha/managers",
            "Request log clients/alpha/log", "History clients/alpha/history");
        cut.Find("[role=tablist]").GetAttribute("aria-label").Should().Be("Sections of alpha");
    }

    [Theory]
    [InlineData("no-such-tab")]
    [InlineData("usage")]
    [InlineData("")]
    public void An_unknown_tab_shows_the_default_tab(string slug)
    {
        var cut = RenderPage(Admin);
        cut.WaitForAssertion(() => PanelHeadings(cut).Should().Equal("Usage over time"));

        var unknown = Render<ClientDetailPage>(p => p.Add(x => x.Name, Alpha).Add(x => x.Tab, slug));

        unknown.WaitForAssertion(() => PanelHeadings(unknown).Should().Equal("Usage over time"));
        unknown.Find("[role=tab][aria-selected=true]").TextContent.Trim().Should().Be("Usage");
    }

    [Fact]
    public async Task Another_tab_keeps_the_page_and_its_live_updates_reach_the_tab_shown()
    {
        var cut = RenderPage(Admin, tab: DetailTab.Log);
        cut.WaitForAssertion(() => PanelHeadings(cut).Should().Equal("Request log"));
        var page = cut.Instance;

        ShowTab(cut, DetailTab.Keys);
        cut.WaitForAssertion(() => PanelHeadings(cut).Should().Equal("API keys"));
        cut.Instance.Should().BeSameAs(page);
        cut.FindAll(".request-log-panel").Should().BeEmpty("a tab not shown is not rendered, so it loads nothing");

        await Portal.CreateKeyAsync(Alpha, "made elsewhere");

        cut.WaitForAssertion(() => cut.FindAll(".api-key").Select(TextOf).Should().ContainSingle(k => k.Contains("made elsewhere")));
        cut.Find(".live-notice").TextContent.Should().Contain("cli created key");
    }

    [Fact]
    public async Task Another_tab_of_the_same_client_does_not_load_the_client_again()
    {
        var cut = RenderPage(Admin, tab: DetailTab.Keys);
        cut.WaitForAssertion(() => PanelHeadings(cut).Should().Equal("API keys"));
        await SqlAsync("ALTER TABLE coin_pools RENAME TO coin_pools_away");

        ShowTab(cut, DetailTab.Managers);

        cut.WaitForAssertion(() => PanelHeadings(cut).Should().Equal("Managers"));
        cut.FindAll(".load-error").Should().BeEmpty("the details shown are the ones loaded for the first tab");
        await SqlAsync("ALTER TABLE coin_pools_away RENAME TO coin_pools");
    }
}
