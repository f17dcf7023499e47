using Bunit;
using Lumen.Portal.Clients.Detail;
using Lumen.Infrastructure.UseCases;

namespace Lumen.Tests.Portal.ClientDetail;

/// <summary>§17 on the detail page: the client's own history, newest first, for those who may open it, kept current.</summary>
public sealed class HistoryPanelTests : DetailPageTest
{
    private static List<string> Rows(IRenderedComponent<Lumen.Portal.Clients.Detail.ClientDetailPage> cut) =>
        cut.FindAll(".history-panel .audit-entry").Select(r => string.Join(" | ", r.QuerySelectorAll("td").Select(TextOf))).ToList();

    [Fact]
    public void A_manager_sees_their_client_history_newest_first()
    {
        var cut = RenderPage(ManagerOfAlpha, tab: DetailTab.History);

        cut.WaitForAssertion(() => Rows(cut).Should().Equal(
            "2026-03-01 09:00:00 UTC | cli | manager.added | manager added alice@example.org",
            "2026-03-01 09:00:00 UTC | cli | client.created | created alpha"));
        cut.Find(".history-panel .history-csv").GetAttribute("href").Should().Be("clients/alpha/history.csv");
    }

    [Fact]
    public async Task A_change_made_elsewhere_appears_in_the_history_of_the_open_page()
    {
        var cut = RenderPage(ManagerOfAlpha, tab: DetailTab.History);
        cut.WaitForAssertion(() => Rows(cut).Should().HaveCount(2));

        (await Portal.Keys.CreateAsync(new Actor(Admin), Alpha, "elsewhere")).Unwrap();

        cut.WaitForAssertion(() => Rows(cut)[0].Should().Contain("admin@example.org | key.created | key created").And.EndWith("(elsewhere), never expires"),
            TimeSpan.FromSeconds(5));
    }
}
