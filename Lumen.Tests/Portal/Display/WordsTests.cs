using System.Globalization;
using Lumen.Domain.Budget;
using Lumen.Domain.Config;
using Lumen.Portal.Display;

namespace Lumen.Tests.Portal.Display;

public class WordsTests
{
    // The issue's column: 2, 0.191 and 0.04 read with three precisions.
    private static readonly decimal[] IssueColumn = [2m, 0.191m, 0.04m];

    [Theory]
    [InlineData("0", "0.00")]
    [InlineData("2", "2.00")]
    [InlineData("0.191", "0.19")]
    [InlineData("0.04", "0.04")]
    [InlineData("1234.5", "1,234.50")]
    [InlineData("1234567.891", "1,234,567.89")]
    [InlineData("0.005", "0.01")]              // half away from zero
    [InlineData("0.015", "0.02")]              // not to even
    [InlineData("2.994999", "2.99")]
    [InlineData("0.999999", "1.00")]
    [InlineData("0.004999", "< 0.01")]         // small spend is never shown as nothing
    [InlineData("0.000001", "< 0.01")]
    [InlineData("-3.2", "-3.20")]              // a debt keeps its sign
    [InlineData("-1234.567", "-1,234.57")]
    [InlineData("-0.005", "-0.01")]
    [InlineData("-0.000001", "> -0.01")]
    public void Amounts_have_two_decimals_and_never_read_as_nothing_when_not_zero(string value, string expected) =>
        Words.Amount(new Coins(decimal.Parse(value, CultureInfo.InvariantCulture))).Should().Be(expected);

    [Fact]
    public void A_column_of_amounts_lines_up()
    {
        var column = IssueColumn.Select(v => Words.Amount(v)).ToList();
        column.Should().Equal("2.00", "0.19", "0.04");
        column.Select(c => c.Length - c.IndexOf('.', StringComparison.Ordinal)).Distinct().Should().ContainSingle();
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("0.05", "0.05")]
    [InlineData("100.0", "100")]
    [InlineData("1000", "1,000")]
    [InlineData("0.000001", "0.000001")]       // exact, to the coins' six decimals: it is what the file says
    [InlineData("1.5", "1.5")]
    public void Settings_read_as_configured(string value, string expected) =>
        Words.Setting(new Coins(decimal.Parse(value, CultureInfo.InvariantCulture))).Should().Be(expected);

    [Theory]
    [InlineData(0, "0 requests")]
    [InlineData(1, "1 request")]
    [InlineData(2, "2 requests")]
    [InlineData(1234, "1,234 requests")]
    [InlineData(-1, "-1 requests")]
    public void A_count_takes_the_singular_for_exactly_one(long count, string expected) =>
        Words.Count(count, "request", "requests").Should().Be(expected);

    [Theory]
    [InlineData("1", "1 coin")]
    [InlineData("0", "0 coins")]
    [InlineData("0.40", "0.40 coins")]
    [InlineData("1.00", "1.00 coins")]       // an amount's two decimals read as a measure: plural
    [InlineData("1.5", "1.5 coins")]
    [InlineData("< 0.01", "< 0.01 coins")]
    public void Coins_are_singular_only_when_written_exactly_1(string written, string expected) =>
        Words.InCoins(written).Should().Be(expected);

    [Theory]
    [InlineData(-2, "unlimited (-2)")]
    [InlineData(1, "1 coin")]
    [InlineData(0, "blocked (0)")]
    [InlineData(100, "100 coins")]
    [InlineData(1500.25, "1,500.25 coins")]
    public void The_cap_says_what_it_means_and_what_is_configured(double max, string expected) =>
        Words.Max(new BudgetSettings((decimal)max, 0.05m, 0m)).Should().Be(expected);

    [Fact]
    public void Refresh_and_starting_are_settings()
    {
        var budget = new BudgetSettings(100m, 0.05m, 12.5m);
        Words.Refresh(budget).Should().Be("0.05 coins per hour");
        Words.Starting(budget).Should().Be("12.5 coins");
    }

    [Fact]
    public void An_entry_that_leaves_a_setting_out_says_so()
    {
        var settings = ClientSettings.FromEntry(ClientEntry.Empty, EntrySource.DefaultEntry);
        Words.Max(settings).Should().Be("omitted → blocked (0)");
        Words.Refresh(settings).Should().Be("omitted → 0 coins per hour");
        Words.Starting(settings).Should().Be("omitted → 0 coins");
        Words.AccessDefault(settings).Should().Be("omitted: every model denied");
    }

    public static TheoryData<decimal, decimal, string> Balances => new()
    {
        // max, balance → text
        { 100m, 50m, "50.00 coins" },
        { 100m, 0.001m, "< 0.01 coins" },
        { 100m, 0m, "0.00 coins (calls are refused until refill brings it above 0)" },
        { 100m, -0.25m, "-0.25 coins (calls are refused until refill brings it above 0)" },
        { 100m, -0.000001m, "> -0.01 coins (calls are refused until refill brings it above 0)" },
        { -2m, 37.5m, "unlimited (no balance is enforced)" },
        { 0m, 10m, "blocked" },
    };

    [Theory]
    [MemberData(nameof(Balances))]
    public void The_balance_is_an_amount(decimal max, decimal balance, string expected) =>
        Words.Balance(new BudgetSettings(max, 1m, 0m), balance).Should().Be(expected);

    [Theory]
    [InlineData("2026-03-01T09:00:59Z", "2026-03-01 09:00 UTC")]
    [InlineData("2026-03-01T10:00:00+01:00", "2026-03-01 09:00 UTC")]   // any offset is written in UTC
    [InlineData("2026-12-31T23:59:00-00:30", "2027-01-01 00:29 UTC")]
    public void Times_are_to_the_minute_in_utc(string at, string expected)
    {
        var time = DateTimeOffset.Parse(at, CultureInfo.InvariantCulture);
        Words.Time(time).Should().Be(expected);
        Words.Time(DateTime.SpecifyKind(time.UtcDateTime, DateTimeKind.Unspecified)).Should().Be(expected, "a database time is UTC without a kind");
    }

    [Fact]
    public void Portal_events_are_to_the_second()
    {
        Words.Instant(new DateTimeOffset(2026, 11, 23, 10, 30, 5, TimeSpan.FromHours(1))).Should().Be("2026-11-23 09:30:05 UTC");
    }

    [Theory]
    [InlineData(0, "less than a minute")]
    [InlineData(59, "less than a minute")]
    [InlineData(60, "1 min")]
    [InlineData(45 * 60 + 30, "45 min")]
    [InlineData(3600, "1 h")]
    [InlineData(3 * 3600 + 20 * 60 + 59, "3 h 20 min")]
    [InlineData(86_400, "1 d")]
    [InlineData(2 * 86_400 + 4 * 3600 + 59 * 60, "2 d 4 h")]
    [InlineData(1000 * 3600, "41 d 16 h")]
    public void Spans_read_in_whole_units(int seconds, string expected) =>
        Words.Span(TimeSpan.FromSeconds(seconds)).Should().Be(expected);

    [Fact]
    public void Full_again_says_when_or_why_not()
    {
        var now = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var capped = new BudgetSettings(100m, 0.05m, 100m);
        Words.FullAgain(capped, now.AddHours(3.5), now).Should().Be("2026-03-01 12:30 UTC (in 3 h 30 min)");
        Words.FullAgain(capped, now, now).Should().Be("full now");
        Words.FullAgain(new BudgetSettings(100m, 0m, 0m), null, now).Should().Be("never by refill (refresh is 0)");
        Words.FullAgain(new BudgetSettings(-2m, 1m, 0m), null, now).Should().Be("does not apply (unlimited)");
        Words.FullAgain(new BudgetSettings(0m, 1m, 0m), null, now).Should().Be("does not apply (blocked)");
    }

    [Fact]
    public void Counts_are_grouped() => Words.Count(1_234_567).Should().Be("1,234,567");
}
