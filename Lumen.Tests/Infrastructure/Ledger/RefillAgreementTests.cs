using Lumen.Domain.Budget;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Ledger;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Lumen.Tests.Infrastructure.Ledger;

/// <summary>
/// The refill runs twice: as SQL inside the charge statement and in C# for every read (§4). The two must agree to the
/// micro-coin and the millisecond, or the dashboard shows a balance the database does not hold.
/// </summary>
[Collection("postgres")]
public sealed class RefillAgreementTests(PostgresServer postgres)
{
    private static readonly long T0 = TestPortal.Start.ToUnixTimeMilliseconds();
    private const long Hour = 3_600_000;
    private const long Year = 8766 * Hour;

    public sealed record RefillCase(string Name, decimal Max, decimal Refresh, decimal Balance, long AsOfMs, long NowMs)
    {
        public override string ToString() => Name;
    }

    private static readonly RefillCase[] Cases =
    [
        new("unlimited keeps its balance", -2m, 5m, 7m, T0, T0 + Hour),
        new("unlimited keeps a debt", -2m, 1m, -50m, T0, T0 + 3 * Hour),
        new("blocked stays at zero", 0m, 5m, 0m, T0, T0 + Hour),
        new("blocked with a debt", 0m, 1m, -3m, T0, T0 + 10 * Hour),
        new("refresh 0 never refills", 100m, 0m, 5m, T0, T0 + 600 * Hour),
        new("a full pool stays full", 100m, 1m, 100m, T0, T0 + 10 * 60_000),
        new("a balance above a lowered cap", 100m, 1m, 150m, T0, T0 + 60_000),
        new("exactly reaching the cap", 100m, 1m, 99m, T0, T0 + Hour),
        new("half an hour at 1.0", 100m, 1m, 10m, T0, T0 + Hour / 2),
        new("a debt is repaid pro rata", 100m, 2m, -3m, T0, T0 + Hour),
        new("a debt without refresh stays", 100m, 0m, -10m, T0, T0 + Hour),
        new("one second at 1.0 is whole micro-coins", 100m, 1m, 0m, T0, T0 + 1000),
        new("0.05 over 1 ms earns nothing", 100m, 0.05m, 10m, T0, T0 + 1),
        new("0.05 over 71 ms earns nothing", 100m, 0.05m, 10m, T0, T0 + 71),
        new("0.05 over 72 ms earns one micro-coin", 100m, 0.05m, 10m, T0, T0 + 72),
        new("0.05 over 999 ms", 100m, 0.05m, 10m, T0, T0 + 999),
        new("odd refresh and odd elapsed", 100m, 0.333333m, 12.345678m, T0, T0 + 12_345_678),
        new("clock behind the as-of time", 100m, 1m, 5m, T0, T0 - Hour),
        new("no elapsed time", 100m, 1m, 5m, T0, T0),
        new("years at 0.05 fill a small cap", 100m, 0.05m, 0m, T0 - 20 * Year, T0),
        new("fifty years at 0.05 under a huge cap", 1_000_000_000m, 0.05m, 0m, T0 - 50 * Year, T0),
        new("as-of at the epoch, largest refresh", 1_000_000_000m, 1_000_000m, -999_999_999m, 0, T0),
        new("largest refresh for 999 hours and a bit", 1_000_000_000m, 1_000_000m, 0m, T0, T0 + 999 * Hour + 1_234_567),
        new("largest refresh, one millisecond", 1_000_000_000m, 1_000_000m, 0m, T0, T0 + 1),
    ];

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task The_charge_statement_refills_exactly_as_the_domain_does(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("ledger");
        var key = await portal.CreateKeyAsync("ledger");
        var results = new List<string>();
        var expected = new List<string>();

        foreach (var c in Cases)
        {
            var budget = new BudgetSettings(c.Max, c.Refresh, 0m);
            var stored = new PoolBalance(c.Balance, c.AsOfMs);
            var now = DateTimeOffset.FromUnixTimeMilliseconds(c.NowMs);
            await portal.SetPoolAsync(client.Id, budget, stored);

            // A ledger with its own clock at this case's moment; a charge of 0 is a pure refill.
            var ledger = new CoinLedger(portal.Contexts, new FakeTimeProvider(now));
            await ledger.ChargeAsync(client.Id, key.Id, "dummy", 0, 0, Coins.Zero, 1);

            var row = await portal.PoolRowAsync(client.Id);
            var domain = budget.Refill(stored, now);
            results.Add($"{c.Name}: {row.BalanceMicros} µ as of {row.BalanceAsOfMs}");
            expected.Add($"{c.Name}: {domain.Balance.Micros} µ as of {domain.AsOfMs}");
        }

        results.Should().Equal(expected);
        // Guard against a table that agrees only because nothing moved.
        expected.Should().Contain($"half an hour at 1.0: {10_500_000} µ as of {T0 + Hour / 2}");
        expected.Should().Contain($"0.05 over 72 ms earns one micro-coin: {10_000_001} µ as of {T0 + 72}");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Frequent_charges_lose_no_refill_to_rounding(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("ledger");
        var key = await portal.CreateKeyAsync("ledger");
        var budget = new BudgetSettings(100m, 0.05m, 0m);
        var stored = new PoolBalance(10m, T0);
        await portal.SetPoolAsync(client.Id, budget, stored);

        // A charge every 50 ms: each alone earns less than a micro-coin at 0.05 an hour.
        for (var i = 0; i < 100; i++)
        {
            portal.Clock.Advance(TimeSpan.FromMilliseconds(50));
            await portal.Ledger.ChargeAsync(client.Id, key.Id, "dummy", 0, 0, Coins.Zero, 1);
        }

        var once = budget.Refill(stored, portal.Clock.GetUtcNow());
        once.Balance.Micros.Should().Be(10_000_069, "5 s at 0.05 an hour is 69.4 micro-coins");
        var row = await portal.PoolRowAsync(client.Id);
        row.BalanceMicros.Should().Be(once.Balance.Micros);
        row.BalanceAsOfMs.Should().Be(once.AsOfMs);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Calls_in_flight_may_take_the_balance_below_zero_and_the_debt_is_kept(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("ledger");
        var key = await portal.CreateKeyAsync("ledger");
        var budget = new BudgetSettings(10m, 1m, 0m);
        await portal.SetPoolAsync(client.Id, budget, new PoolBalance(1m, TestPortal.Start.ToUnixTimeMilliseconds()));
        (await portal.Ledger.GetPoolAsync(client.Id))!.Admits.Should().BeTrue("both calls are admitted while 1 coin is left");

        // Two calls admitted at 1 coin end and are charged 0.75 each.
        await portal.Ledger.ChargeAsync(client.Id, key.Id, "llama3", 10, 10, 0.75m, 5);
        await portal.Ledger.ChargeAsync(client.Id, key.Id, "llama3", 10, 10, 0.75m, 5);

        (await portal.PoolRowAsync(client.Id)).BalanceMicros.Should().Be(-500_000, "the debt is kept, not floored at 0");
        var inDebt = await portal.Ledger.GetPoolAsync(client.Id);
        inDebt!.Balance.Should().Be(new Coins(-0.5m));
        inDebt.Admits.Should().BeFalse();

        portal.Clock.Advance(TimeSpan.FromMinutes(30));
        var repaid = await portal.Ledger.GetPoolAsync(client.Id);
        repaid!.Balance.Should().Be(Coins.Zero, "half an hour at 1 coin an hour repays exactly the debt");
        repaid.Admits.Should().BeFalse("a call is admitted only above zero");

        portal.Clock.Advance(TimeSpan.FromSeconds(36));
        var recovered = await portal.Ledger.GetPoolAsync(client.Id);
        recovered!.Balance.Should().Be(new Coins(0.01m));
        recovered.Admits.Should().BeTrue();
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_refused_call_is_logged_and_charges_nothing(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("ledger");
        var key = await portal.CreateKeyAsync("ledger");

        await portal.Ledger.LogRefusalAsync(new CallRecord(client.Id, key.Id, "llama3", 402, "insufficient_coins", 5, 6, 999, 3));
        await portal.Ledger.LogRefusalAsync(new CallRecord(null, null, new string('m', 300), 401, "invalid_api_key", 0, 0, 0, 1));

        var pool = await portal.PoolRowAsync(client.Id);
        pool.BalanceMicros.Should().Be(1000_000000);
        pool.Requests.Should().Be(0);
        pool.CoinsSpentMicros.Should().Be(0);
        await using var context = await db.Factory.CreateDbContextAsync();
        var log = await context.RequestLog.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
        log.Should().HaveCount(2);
        log[0].Should().Match<RequestLogRow>(r => r.ClientId == client.Id && r.Status == 402 && r.CoinsMicros == 0
            && r.ErrorCode == "insufficient_coins");
        log[1].Should().Match<RequestLogRow>(r => r.ClientId == null && r.ApiKeyId == null && r.Model.Length == 200);
    }
}
