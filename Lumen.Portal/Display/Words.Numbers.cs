using System.Globalization;
using Lumen.Domain.Budget;
using Lumen.Domain.Text;

namespace Lumen.Portal.Display;

public static partial class Words
{
    /// <summary>The one precision of coin amounts: two decimals.</summary>
    public const int AmountDecimals = 2;

    private const string AmountPattern = "#,0.00";
    private const string SettingPattern = "#,0.######";

    /// <summary>A count: requests, tokens, clients (<c>42,495</c>).</summary>
    public static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>A count and its noun, singular for exactly one: <c>1 request</c>, <c>0 requests</c>, <c>1,234 requests</c>.</summary>
    public static string Count(long value, string one, string many) => $"{Count(value)} {Counted.Noun(value, one, many)}";

    /// <summary>
    /// Coins after a number as written: singular only when it reads exactly <c>1</c> (a setting: <c>1 coin per hour</c>).
    /// An amount always has two decimals, and <c>1.00 coins</c> is how English reads a measured quantity, so it stays
    /// plural, as do <c>0.40 coins</c> and <c>0 coins</c>.
    /// </summary>
    public static string InCoins(string written) => $"{written} {Counted.Noun(written == "1" ? 1 : 0, "coin", "coins")}";

    /// <summary>
    /// An amount of coins (a balance, coins spent, a total) with two decimals, rounded half away from zero
    /// (<c>1,234.50</c>, <c>-3.20</c>); a non-zero amount that would round to 0.00 is <c>&lt; 0.01</c> or <c>&gt; -0.01</c>.
    /// </summary>
    public static string Amount(Coins value)
    {
        var rounded = Math.Round(value.Value, AmountDecimals, MidpointRounding.AwayFromZero);
        if (rounded != 0m) return rounded.ToString(AmountPattern, CultureInfo.InvariantCulture);
        if (value.Value == 0m) return "0.00";
        return value.Value > 0m ? "< 0.01" : "> -0.01";
    }

    /// <summary>A coin setting as the config file has it (max, refresh, starting, a price): exact, never rounded (<c>0.05</c>, <c>1,000</c>).</summary>
    public static string Setting(Coins value) => value.Value.ToString(SettingPattern, CultureInfo.InvariantCulture);
}
