using System.Collections.Concurrent;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// Each model's calls over the last hour and their median time (the models page, §20), in memory on this instance.
/// Kept as a minute's count and a histogram of times per minute, so memory stays fixed however busy a model is; the
/// median is read to within a bucket (about 10 %).
/// </summary>
public sealed class ModelCallStats(TimeProvider clock)
{
    private const int Minutes = 60;
    // Bucket i holds times up to Bound(i) ms: 1 ms, then 10 % wider each, to beyond 10 minutes.
    private const int Buckets = 145;

    private readonly ConcurrentDictionary<string, Window> _models = new(StringComparer.Ordinal);

    /// <summary>A call of the model that was answered (<paramref name="answered"/>) or not, after <paramref name="elapsed"/>.</summary>
    public void Record(string model, bool answered, TimeSpan elapsed) =>
        _models.GetOrAdd(model, static _ => new Window()).Add(MinuteNow(), answered ? Bucket(elapsed.TotalMilliseconds) : -1);

    /// <summary>The model's calls in the last hour, and the median time of those answered (null when none were).</summary>
    public (long Calls, TimeSpan? Median) LastHour(string model) =>
        _models.TryGetValue(model, out var window) ? window.Read(MinuteNow()) : (0, null);

    private long MinuteNow() => clock.GetUtcNow().ToUnixTimeSeconds() / 60;

    private static int Bucket(double ms) => ms <= 1 ? 0 : Math.Min(Buckets - 1, (int)Math.Ceiling(Math.Log(ms) / Math.Log(1.1)));

    private static double Bound(int bucket) => Math.Pow(1.1, bucket);

    private sealed class Window
    {
        private readonly Lock _gate = new();
        private readonly long[] _minute = new long[Minutes];
        private readonly long[] _calls = new long[Minutes];
        private readonly long[,] _times = new long[Minutes, Buckets];

        public void Add(long minute, int bucket)
        {
            var slot = (int)(minute % Minutes);
            lock (_gate)
            {
                if (_minute[slot] != minute) Clear(slot, minute);
                _calls[slot]++;
                if (bucket >= 0) _times[slot, bucket]++;
            }
        }

        public (long, TimeSpan?) Read(long now)
        {
            var merged = new long[Buckets];
            long calls = 0, answered = 0;
            lock (_gate)
            {
                for (var slot = 0; slot < Minutes; slot++)
                {
                    if (now - _minute[slot] >= Minutes || _minute[slot] > now) continue;
                    calls += _calls[slot];
                    for (var b = 0; b < Buckets; b++)
                    {
                        merged[b] += _times[slot, b];
                        answered += _times[slot, b];
                    }
                }
            }
            if (answered == 0) return (calls, null);
            long seen = 0;
            for (var b = 0; b < Buckets; b++)
            {
                seen += merged[b];
                if (seen * 2 >= answered) return (calls, TimeSpan.FromMilliseconds(Bound(b)));
            }
            return (calls, null);
        }

        private void Clear(int slot, long minute)
        {
            _minute[slot] = minute;
            _calls[slot] = 0;
            for (var b = 0; b < Buckets; b++) _times[slot, b] = 0;
        }
    }
}
