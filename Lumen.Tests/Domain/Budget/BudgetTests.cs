using Lumen.Domain.Budget;
using Lumen.Domain.Models;

namespace Lumen.Tests.Domain.Budget;

public class BudgetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(-2, BudgetKind.Unlimited)]
    [InlineData(0, BudgetKind.Blocked)]
    [InlineData(0.000001, BudgetKind.Capped)]
    [InlineData(100, BudgetKind.Capped)]
    public void Max_decides_the_kind_of_budget(decimal max, BudgetKind kind) =>
        new BudgetSettings(max, 0m, 0m).Kind.Should().Be(kind);

    [Theory]
    [InlineData(-1, 0, 0)]
    [InlineData(-3, 0, 0)]
    [InlineData(10, -0.1, 0)]
    [InlineData(10, 0, -1)]
    public void Invalid_budgets_are_refused(decimal max, decimal refresh, decimal starting) =>
        FluentActions.Invoking(() => new BudgetSettings(max, refresh, starting)).Should().Throw<ArgumentException>();

    [Theory]
    [InlineData(-2, 1000, true)]
    [InlineData(-2, 0, true)]
    [InlineData(-2, -50, true)]
    [InlineData(0, 1000, false)]
    [InlineData(100, 0.001, true)]
    [InlineData(100, 0.000001, true)]
    [InlineData(100, 0, false)]
    [InlineData(100, -0.2, false)]
    public void Admission_follows_the_kind_and_the_balance(decimal max, decimal balance, bool admitted) =>
        new BudgetSettings(max, 1m, 0m).Admits(balance).Should().Be(admitted);

    [Theory]
    [InlineData(100, 1.0, 10, 30, 10.5)]       // 30 minutes at 1.0/h adds 0.5
    [InlineData(100, 0.05, 0, 60, 0.05)]
    [InlineData(100, 1.0, 99.9, 60, 100)]      // never past max
    [InlineData(100, 1.0, 100, 600, 100)]
    [InlineData(100, 2.0, -3, 60, -1)]         // debt is repaid by refill
    [InlineData(100, 0, 5, 600, 5)]            // no refresh, no refill
    [InlineData(100, 1.0, 10, 0, 10)]
    [InlineData(0, 5.0, 0, 60, 0)]             // blocked never refills
    [InlineData(-2, 5.0, 7, 60, 7)]            // unlimited is not refilled (not enforced)
    public void Refill_is_pro_rata_and_capped(decimal max, decimal refresh, decimal balance, int minutes, decimal expected) =>
        Refill(new BudgetSettings(max, refresh, 0m), balance, T0.AddMinutes(minutes)).Balance.Should().Be(new Coins(expected));

    [Fact]
    public void Refill_credits_whole_micro_coins_only() =>
        Refill(new BudgetSettings(100m, 1m, 0m), 0m, T0.AddSeconds(1)).Balance.Value.Should().Be(0.000277m);

    [Fact]
    public void Refill_ignores_a_clock_that_went_backwards() =>
        Refill(new BudgetSettings(100m, 1m, 0m), 5m, T0.AddHours(-1)).Balance.Should().Be(new Coins(5m));

    [Fact]
    public void Frequent_refills_lose_nothing_to_rounding()
    {
        // 0.05 coins/h earns a micro-coin only every 72 ms: refilling every 10 ms must still add up.
        var budget = new BudgetSettings(100m, 0.05m, 0m);
        var pool = new PoolBalance(0m, T0.ToUnixTimeMilliseconds());
        for (var ms = 10; ms <= 3_600_000; ms += 10) pool = budget.Refill(pool, T0.AddMilliseconds(ms));
        pool.Balance.Should().Be(new Coins(0.05m));
    }

    [Fact]
    public void Refill_of_a_full_pool_moves_its_time_to_now()
    {
        var now = T0.AddHours(5);
        var pool = Refill(new BudgetSettings(10m, 1m, 0m), 9.5m, now);
        pool.Should().Be(new PoolBalance(10m, now.ToUnixTimeMilliseconds()));
    }

    [Theory]
    [InlineData(1_000_000, 100L * 365 * 24 * 3_600_000)]   // the largest refresh over a century: no overflow
    [InlineData(0.000001, 1)]
    public void Refill_arithmetic_never_overflows(decimal refresh, long elapsedMs) =>
        FluentActions.Invoking(() => RefillMath.Accrual(new Coins(refresh).Micros, elapsedMs)).Should().NotThrow();

    [Fact]
    public void Refill_arithmetic_refuses_to_wrap_around() =>
        FluentActions.Invoking(() => RefillMath.Accrual(long.MaxValue / 2, RefillMath.MsPerHour * 3)).Should().Throw<OverflowException>();

    private static PoolBalance Refill(BudgetSettings budget, decimal balance, DateTimeOffset now) =>
        budget.Refill(new PoolBalance(balance, T0.ToUnixTimeMilliseconds()), now);

    [Theory]
    [InlineData(100, 500, 100)]   // starting 500 with max 100 starts at 100
    [InlineData(100, 50, 50)]
    [InlineData(-2, 500, 500)]
    [InlineData(0, 500, 0)]
    public void Starting_balance_is_clamped_to_a_real_cap(decimal max, decimal starting, decimal expected) =>
        new BudgetSettings(max, 0m, starting).InitialBalance.Should().Be(new Coins(expected));

    [Theory]
    [InlineData(50, 300, 50)]     // lowering max from 500 to 50 clamps 300 to 50
    [InlineData(500, 300, 300)]
    [InlineData(-2, 300, 300)]
    [InlineData(0, 300, 0)]
    [InlineData(50, -4, -4)]      // a debt stays a debt
    public void A_changed_max_clamps_the_existing_balance(decimal newMax, decimal balance, decimal expected) =>
        new BudgetSettings(newMax, 0m, 0m).Clamp(balance).Should().Be(new Coins(expected));

    [Fact]
    public void Full_time_is_when_refill_reaches_the_cap()
    {
        var budget = new BudgetSettings(10m, 2m, 0m);
        budget.FullAt(9m, T0).Should().Be(T0.AddMinutes(30));
        budget.FullAt(10m, T0).Should().Be(T0);
        new BudgetSettings(10m, 0m, 0m).FullAt(3m, T0).Should().BeNull();
        new BudgetSettings(-2m, 1m, 0m).FullAt(3m, T0).Should().BeNull();
    }

    [Theory]
    [InlineData(10, 3.6, 0.5, 0)]                    // has coins: usable now
    [InlineData(10, 3.6, 0, 1)]                      // one micro-coin at 1 micro-coin a millisecond
    [InlineData(10, 3.6, -1, 1_000_001)]             // a debt of a coin takes 1,000 s, then one micro-coin more
    [InlineData(10, 1, -0.000001, 8)]                // two micro-coins at 1 coin an hour: 7.2 ms, in whole ms
    [InlineData(-2, 0, -5, 0)]                       // unlimited is always usable
    public void A_refused_budget_is_usable_again_when_refill_lifts_it_above_zero(decimal max, decimal refresh, decimal balance, long ms) =>
        new BudgetSettings(max, refresh, 0m).UsableAt(balance, T0).Should().Be(T0.AddMilliseconds(ms));

    [Theory]
    [InlineData(0, 1, 0)]       // blocked
    [InlineData(10, 0, 0)]      // no refill
    [InlineData(10, 0, -3)]
    public void A_budget_that_refill_never_lifts_is_never_usable_again(decimal max, decimal refresh, decimal balance) =>
        new BudgetSettings(max, refresh, 0m).UsableAt(balance, T0).Should().BeNull();

    [Theory]
    [InlineData(1_000_000, 500_000, 0.5, 1.5, 1.25)]
    [InlineData(0, 0, 0.5, 1.5, 0)]
    [InlineData(1, 1, 0.5, 1.5, 0.000002)]
    [InlineData(3, 0, 0.5, 0, 0.000002)]          // 0.0000015 rounds half away from zero
    [InlineData(123_456, 654_321, 0, 0, 0)]
    public void Call_cost_is_tokens_times_price_per_million_rounded_to_six_decimals(
        long input, long output, decimal inPrice, decimal outPrice, decimal expected) =>
        CallCost.For(input, output, new ModelPrice(inPrice, outPrice)).Value.Should().Be(expected);

    [Fact]
    public void Coins_keep_six_decimals() => new Coins(1.23456789m).Value.Should().Be(1.234568m);
}
