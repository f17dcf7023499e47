using AngleSharp.Dom;
using Bunit;
using Lumen.Domain.Access;
using Lumen.Domain.Budget;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Ledger;
using Lumen.Portal.Clients.Detail;
using Lumen.Portal.Display;
using Lumen.Tests.Infrastructure;

namespace Lumen.Tests.Portal.ClientDetail;

/// <summary>Budget (§4, §8): the balance now, the settings, when the pool is full again, and where each value came from (§2.1).</summary>
public sealed class BudgetPanelTests : DetailPageTest
{
    protected override string Yaml => """
        admins: [admin@example.org]
        models:
          - name: dummy
          - name: gray-model
        clients:
          default:
            max: 100.0
            refresh: 0.05
            starting: 100.0
            model_access:
              default: blacklist
              whitelist: [dummy]
              graylist: [gray-model]
          only-max:
            max: 10.0
          no-limit:
            max: -2
            refresh: 1.0
            starting: 5.0
            model_access: {default: whitelist}
          shut:
            max: 0
            model_access: {default: whitelist}
          over:
            max: 10.0
            starting: 50.0
        """;

    private IRenderedComponent<ClientDetailPage> Budget(string client)
    {
        var cut = RenderPage(Admin, client);
        cut.WaitForAssertion(() => cut.FindAll(".budget-panel").Should().ContainSingle());
        return cut;
    }

    private static (string Value, string Source) Row(IRenderedComponent<ClientDetailPage> cut, string row)
    {
        var tr = cut.Find($".budget-table tr.{row}");
        return (TextOf(tr.QuerySelector(".value")!), tr.QuerySelector(".source") is { } source ? TextOf(source) : "");
    }

    [Fact]
    public void A_client_without_a_named_entry_shows_the_default_entry_as_the_source_of_every_value()
    {
        var cut = Budget(Alpha);

        Row(cut, "balance").Value.Should().Be("100.00 coins");
        Row(cut, "max").Should().Be(("100 coins", "clients.default (no named entry)"));
        Row(cut, "refresh").Should().Be(("0.05 coins per hour", "clients.default (no named entry)"));
        Row(cut, "starting").Should().Be(("100 coins", "clients.default (no named entry)"));
        Row(cut, "full-at").Value.Should().Be("full now");
        ShowTab(cut, DetailTab.Access); // where model access comes from is on the Access tab
        TextOf(cut.Find(".access-source")).Should().Be(
            "Default for unlisted models: blacklist. Comes from clients.default (no named entry).");
    }

    [Fact]
    public async Task A_spent_pool_says_when_refill_fills_it_again()
    {
        var alpha = await Portal.PoolRowAsync(IdOf(Alpha));
        await Portal.SetPoolAsync(alpha.ClientId, new BudgetSettings(100m, 0.05m, 100m),
            new PoolBalance(50m, TestPortal.Start.ToUnixTimeMilliseconds()));

        var cut = Budget(Alpha);

        Row(cut, "balance").Value.Should().Be("50.00 coins");
        Row(cut, "full-at").Value.Should().Be("2026-04-12 01:00 UTC (in 41 d 16 h)", "50 coins at 0.05 an hour take 1,000 hours");
    }

    [Fact]
    public async Task The_balance_refills_on_the_open_page_without_a_refresh()
    {
        var alpha = await Portal.PoolRowAsync(IdOf(Alpha));
        // 3.6 coins an hour is a thousandth of a coin a second.
        await Portal.SetPoolAsync(alpha.ClientId, new BudgetSettings(100m, 3.6m, 100m),
            new PoolBalance(99.98m, TestPortal.Start.ToUnixTimeMilliseconds()));
        var cut = Budget(Alpha);
        Row(cut, "balance").Value.Should().Be("99.98 coins");
        Row(cut, "full-at").Value.Should().Be("2026-03-01 09:00 UTC (in less than a minute)");

        Portal.Clock.Advance(TimeSpan.FromSeconds(6));

        cut.WaitForAssertion(() => Row(cut, "balance").Value.Should().Be("99.99 coins", "99.986 coins, at two decimals"));

        Portal.Clock.Advance(TimeSpan.FromSeconds(20));

        cut.WaitForAssertion(() => Row(cut, "balance").Value.Should().Be("100.00 coins", "refill stops at max"));
        Row(cut, "full-at").Value.Should().Be("full now");
    }

    [Fact]
    public async Task Fields_left_out_of_a_named_entry_say_they_were_omitted_and_are_zero()
    {
        await Portal.CreateClientAsync("only-max");

        var cut = Budget("only-max");

        Row(cut, "max").Should().Be(("10 coins", "named entry clients.only-max"));
        Row(cut, "refresh").Should().Be(("0 coins per hour", "omitted from named entry clients.only-max → 0"));
        Row(cut, "starting").Should().Be(("0 coins", "omitted from named entry clients.only-max → 0"));
        Row(cut, "balance").Value.Should().Be("0.00 coins (calls are refused until refill brings it above 0)");
        Row(cut, "full-at").Value.Should().Be("never by refill (refresh is 0)");
        ShowTab(cut, DetailTab.Access);
        TextOf(cut.Find(".access-source")).Should().Contain("omitted from named entry clients.only-max → every model denied");
        cut.FindAll(".model-row .status").Select(TextOf).Should().AllBe("Denied");
        cut.Find(".sources-note").TextContent.Should().Contain("never taken from the default");
    }

    [Fact]
    public async Task An_unlimited_client_shows_unlimited_rather_than_its_falling_stored_balance()
    {
        var created = await Portal.CreateClientAsync("no-limit");
        await Portal.SetPoolAsync(created.Id, new BudgetSettings(-2m, 1m, 5m), new PoolBalance(-37.5m, TestPortal.Start.ToUnixTimeMilliseconds()));

        var cut = Budget("no-limit");

        Row(cut, "balance").Value.Should().Be("unlimited (no balance is enforced)");
        Row(cut, "max").Value.Should().Be("unlimited (-2)");
        Row(cut, "full-at").Value.Should().Be("does not apply (unlimited)");
        cut.Find(".budget-panel").TextContent.Should().NotContain("37.5");
    }

    [Fact]
    public async Task A_starting_above_max_shows_the_configs_warning_on_that_clients_page()
    {
        await Portal.CreateClientAsync("over");

        var cut = Budget("over");

        const string warning = "starting (50) of client 'over' is above max (10); a new pool starts at 10.";
        Portal.Config.Latest.Warnings.Select(w => w.Message).Should().Contain(warning, "/clients shows the same words");
        TextOf(cut.Find(".budget-panel .starting-above-max")).Should().Be(warning);
    }

    [Fact]
    public void A_starting_within_max_shows_no_warning() =>
        Budget(Alpha).FindAll(".starting-above-max").Should().BeEmpty("alpha's starting (100) is its max (100)");

    [Fact]
    public async Task A_blocked_client_says_so()
    {
        await Portal.CreateClientAsync("shut");

        var cut = Budget("shut");

        Row(cut, "max").Should().Be(("blocked (0)", "named entry clients.shut"));
        Row(cut, "balance").Value.Should().Be("blocked");
        Row(cut, "full-at").Value.Should().Be("does not apply (blocked)");
    }

    [Fact]
    public async Task A_config_reload_shows_on_the_open_page_once_applied()
    {
        var cut = Budget(Alpha);

        await Portal.Feed.ApplyAsync(Portal.Config, ConfigLoader.Parse(Yaml.Replace("max: 100.0", "max: 40.0", StringComparison.Ordinal)));

        cut.WaitForAssertion(() => cut.Find(".sources-note").TextContent.Should().Contain("A new config is being applied"));
        Row(cut, "max").Should().Be(("100 coins", "clients.default (no named entry)"), "the pool has not been changed yet");

        await Portal.Sync.ApplyAsync(Portal.Config.InForce!);
        Portal.Clock.Advance(TimeSpan.FromSeconds(1)); // the page refreshes at most once a second

        cut.WaitForAssertion(() => Row(cut, "max").Value.Should().Be("40 coins"));
        Row(cut, "balance").Value.Should().Be("40.00 coins", "a lowered max clamps the balance");
        cut.FindAll(".sources-note").Should().BeEmpty();
        cut.Find(".live-notice").TextContent.Should().Contain("alpha: config max 100 → 40");
    }

    [Fact]
    public void With_no_named_entry_and_no_default_every_value_says_blocked_or_denied()
    {
        var budget = BudgetSettings.Blocked;
        var details = new ClientDetails("orphan", new DateTime(2026, 3, 1), "cli", true, ViewerIsAdmin: true, TestPortal.Start,
            new PoolSnapshot(budget, Coins.Zero, null, 0, 0, 0, Coins.Zero),
            new AppliedSettings(EntrySource.NoEntry, budget, ModelAccessRule.DenyAll), ClientSettings.Nothing, [], [], []);

        var cut = Render<BudgetPanel>(p => p.Add(x => x.Details, details));

        TextOf(cut.Find("tr.max .source")).Should().Be("no named entry and no clients.default → 0, blocked");
        TextOf(cut.Find("tr.refresh .source")).Should().Be("no named entry and no clients.default → 0");
        Words.AccessSource(details).Should().Be("no named entry and no clients.default → every model denied");
    }
}
