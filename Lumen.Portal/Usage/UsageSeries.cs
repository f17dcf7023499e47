using Lumen.Infrastructure.UsageCharts;

namespace Lumen.Portal.Usage;

/// <summary>One named line or bar set of a usage chart: a value per bucket, null where nothing is known.</summary>
public sealed record UsageSeries(string Name, IReadOnlyList<decimal?> Values);

/// <summary>How the usage charts read their buckets: UTC, as fine as the window's buckets.</summary>
public static class UsageLabels
{
    /// <summary>What a usage chart says when its read failed; it reads again on the next change.</summary>
    public const string Unavailable =
        "The usage could not be loaded. The database may be unavailable; the page will try again on the next change.";

    public static readonly Func<decimal, string> CountFormat = v => Display.Words.Count((long)v);
    public static readonly Func<decimal, string> AmountFormat = v => Display.Words.Amount(v);

    /// <summary>The bucket starts as the table shows them (every one, in full).</summary>
    public static IReadOnlyList<string> Of(UsageBuckets buckets) =>
        [.. buckets.Starts.Select(start => start.ToString(buckets.Window == UsageWindow.Month ? "yyyy-MM-dd" : "MM-dd HH:00",
            System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>What a row of the table is, by window.</summary>
    public static string BucketHeading(UsageWindow window) => window switch
    {
        UsageWindow.Day => "Hour (UTC)",
        UsageWindow.Week => "6 hours from (UTC)",
        _ => "Day (UTC)",
    };

    public static string Name(UsageWindow window) => window switch
    {
        UsageWindow.Day => "24 hours",
        UsageWindow.Week => "7 days",
        _ => "30 days",
    };

    /// <summary>The chart's axis: about eight labels however many buckets, so they do not overlap.</summary>
    public static string[] Thinned(IReadOnlyList<string> labels)
    {
        var step = Math.Max(1, (labels.Count + 7) / 8);
        return [.. labels.Select((label, i) => i % step == 0 ? label : "")];
    }

    /// <summary>
    /// The y-axis step for values up to <paramref name="max"/>: about five ticks at 1, 2 or 5 × 10ⁿ (whole units: the
    /// chart's steps are integers). For a stacked chart this under-counts the stack, which only adds ticks.
    /// </summary>
    private static readonly int[] NiceSteps = [1, 2, 5, 10];

    public static int TickStep(decimal max)
    {
        var rough = (double)max / 5;
        if (rough <= 1) return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = NiceSteps.Select(f => f * magnitude).First(s => s >= rough);
        return (int)Math.Min(step, int.MaxValue);
    }

    /// <summary>A time on a chart's axis: short, the table says it in full.</summary>
    public static string Axis(DateTimeOffset at) => at.UtcDateTime.ToString("MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
