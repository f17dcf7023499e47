using System.Globalization;

namespace Lumen.Portal.Display;

public static partial class Words
{
    private const string TimePattern = "yyyy-MM-dd HH:mm 'UTC'";
    private const string InstantPattern = "yyyy-MM-dd HH:mm:ss 'UTC'";

    /// <summary>When something happened or will, to the minute, in UTC (<c>2026-03-01 09:00 UTC</c>): the portal's time.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString(TimePattern, CultureInfo.InvariantCulture);

    /// <summary>A database time (stored as UTC, read back without a kind), as <see cref="Time(DateTimeOffset)"/>.</summary>
    public static string Time(DateTime utc) => AsUtc(utc).ToString(TimePattern, CultureInfo.InvariantCulture);

    /// <summary>
    /// An event of the portal itself, to the second (<c>2026-11-23 09:30:00 UTC</c>): a config load, the config in force
    /// since. Reloads can follow each other within a minute, and the second tells them apart.
    /// </summary>
    public static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString(InstantPattern, CultureInfo.InvariantCulture);

    /// <summary>A database time to the second (an audit entry's), as <see cref="Instant(DateTimeOffset)"/>.</summary>
    public static string Instant(DateTime utc) => AsUtc(utc).ToString(InstantPattern, CultureInfo.InvariantCulture);

    /// <summary>A short duration, whole units only: "less than a minute", "45 min", "3 h 20 min", "2 d 4 h".</summary>
    public static string Span(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(1)) return "less than a minute";
        if (span < TimeSpan.FromHours(1)) return $"{(int)span.TotalMinutes} min";
        if (span < TimeSpan.FromDays(1)) return span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min";
        return span.Hours == 0 ? $"{(int)span.TotalDays} d" : $"{(int)span.TotalDays} d {span.Hours} h";
    }

    private static DateTime AsUtc(DateTime time) => time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time;
}
