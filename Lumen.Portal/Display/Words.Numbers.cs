using System.Globalization;
using Lumen.Domain.Budget;

namespace Lumen.Portal.Display;

public static partial class Words
{
    /// <summary>The one precision of coin amounts: two decimals.</summary>
    public const int AmountDecimals = 2;

    private const string AmountPattern = "#,0.00";
    private const string SettingPattern = "#,0.######";

    /// <summary>A count: requests, tokens, clients (<c>42,495</c>).</summary>
    public static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

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
