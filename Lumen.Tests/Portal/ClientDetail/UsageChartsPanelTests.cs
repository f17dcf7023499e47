using Bunit;
using Lumen.Domain.Budget;
using Lumen.Domain.Calls;
using Lumen.Infrastructure.Ledger;
using Lumen.Portal.Display;

namespace Lumen.Tests.Portal.ClientDetail;

/// <summary>The detail page's usage charts (§16): their tables hold the counters' numbers, by model.</summary>
public sealed class UsageChartsPanelTests : DetailPageTest
{
    [Fact]
    public async Task Each_charts_table_totals_the_counters_by_model_and_the_balance_is_unknown_before_any_charge()
    {
        var id = IdOf(Alpha);
        var key = (await Portal.CreateKeyAsync(Alpha)).Id;
        Portal.Clock.Advance(TimeSpan.FromMinutes(20));
        foreach (var (model, i) in new[] { ("dummy", 1), ("llama3", 2), ("llama3", 3) })
            await Portal.Ledger.ChargeAsync(new CallRecord(id, key, model, 200, null, 100 * i, 10 * i, 250_000 * i, 5));
        await Portal.Ledger.LogRefusalAsync(new CallRecord(id, key, "dummy", 402, "budget", 0, 0, 0, 1, CallOutcome.RefusedBudget));
        var pool = await Portal.PoolRowAsync(id);

        var cut = RenderPage(ManagerOfAlpha);

        cut.WaitForAssertion(() => cut.FindAll(".usage-charts figure").Should().HaveCount(4));
        var requests = cut.Find("figure.client-requests table");
        requests.QuerySelectorAll("thead th").Select(TextOf).Should().Equal("Hour (UTC)", "dummy", "llama3");
        requests.QuerySelectorAll("tfoot td").Select(TextOf).Should().Equal("1", "2");
        requests.QuerySelectorAll("tbody tr").Should().HaveCount(24);
        cut.Find("figure.client-tokens table").QuerySelectorAll("tfoot td").Select(TextOf)
            .Should().Equal(Words.Count(110), Words.Count(550));
        var coins = cut.Find("figure.client-coins table").QuerySelectorAll("tfoot td").Select(TextOf).ToList();
        coins.Should().Equal(Words.Amount(0.25m), Words.Amount(1.25m));
        (0.25m + 1.25m).Should().Be(Coins.FromMicros(pool.CoinsSpentMicros).Value, "the charts add up to the counters");
        pool.Requests.Should().Be(3, "the refusal is not a request the counters count");

        var balance = cut.Find("figure.client-balance table").QuerySelectorAll("tbody tr td").Select(TextOf).ToList();
        balance[0].Should().Be("–", "before the first charge nothing is known");
        balance[^1].Should().Be(Words.Amount((await Portal.Ledger.GetPoolAsync(id))!.Balance), "the last point is the balance now");
        cut.Find("figure.client-requests").GetAttribute("aria-labelledby").Should().NotBeNullOrEmpty();
    }
}
