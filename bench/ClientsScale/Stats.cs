using System.Diagnostics;
using System.Globalization;

namespace Lumen.Bench.ClientsScale;

/// <summary>Timings in milliseconds and their percentiles (nearest rank).</summary>
internal sealed class Samples
{
    private readonly List<double> _ms = [];

    public int Count => _ms.Count;

    public void Add(double ms) => _ms.Add(ms);

    public void Add(TimeSpan elapsed) => _ms.Add(elapsed.TotalMilliseconds);

    public double Percentile(double p)
    {
        if (_ms.Count == 0) return double.NaN;
        var sorted = _ms.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public double P50 => Percentile(50);
    public double P95 => Percentile(95);
    public double Max => _ms.Count == 0 ? double.NaN : _ms.Max();

    public static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var start = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(start);
    }
}

internal static class Fmt
{
    public static string Ms(double ms) => double.IsNaN(ms) ? "–" : ms.ToString(ms < 10 ? "0.00" : ms < 100 ? "0.0" : "0", CultureInfo.InvariantCulture);

    public static string N(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
