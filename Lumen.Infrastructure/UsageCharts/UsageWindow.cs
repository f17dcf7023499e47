using Lumen.Infrastructure.Ledger;

namespace Lumen.Infrastructure.UsageCharts;

/// <summary>The windows of the usage charts (§16): the last 24 hours, 7 days or 30 days.</summary>
public enum UsageWindow { Day, Week, Month }

/// <summary>
/// A window cut into buckets, UTC: 24 hours by the hour, 7 days by six hours, 30 days by the day. The window ends
/// with the bucket that holds <c>now</c> (still filling); the 7- and 30-day windows start at midnight, so their
/// top clients can be read from whole days.
/// </summary>
public sealed record UsageBuckets(UsageWindow Window, DateTime From, TimeSpan Size, int Count)
{
    /// <summary>The end of the last bucket (after now).</summary>
    public DateTime To => From + Size * Count;

    public DateTime StartOf(int bucket) => From + Size * bucket;

    /// <summary>The bucket holding <paramref name="hour"/>, or -1 outside the window.</summary>
    public int IndexOf(DateTime hour)
    {
        var utc = DateTime.SpecifyKind(hour, DateTimeKind.Utc);
        if (utc < From || utc >= To) return -1;
        return (int)((utc - From).Ticks / Size.Ticks);
    }

    public IReadOnlyList<DateTime> Starts => [.. Enumerable.Range(0, Count).Select(StartOf)];

    public static UsageBuckets For(UsageWindow window, DateTimeOffset now)
    {
        var hour = UsageHours.HourOf(now);
        return window switch
        {
            UsageWindow.Day => new(window, hour.AddHours(-23), TimeSpan.FromHours(1), 24),
            UsageWindow.Week => new(window, hour.Date.AddDays(-6), TimeSpan.FromHours(6), 28),
            UsageWindow.Month => new(window, hour.Date.AddDays(-29), TimeSpan.FromDays(1), 30),
            _ => throw new ArgumentOutOfRangeException(nameof(window), window, null),
        };
    }
}
