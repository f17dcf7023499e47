namespace Lumen.Infrastructure.Ledger;

/// <summary>Words of the hourly usage (§16) that readers share.</summary>
public static class UsageHours
{
    /// <summary>Where calls for a model the config does not define are counted.</summary>
    public const string UnknownModel = "(unknown)";

    /// <summary>The start of <paramref name="at"/>'s UTC hour.</summary>
    public static DateTime HourOf(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc);
    }
}
