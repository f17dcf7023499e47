using System.Globalization;
using Lumen.Domain.Budget;

namespace Lumen.Portal.Clients;

/// <summary>How the portal writes numbers, coins and times: invariant, grouped, UTC.</summary>
public static class Format
{
    public static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Coins(Coins value) => value.Value.ToString("#,0.######", CultureInfo.InvariantCulture);

    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
