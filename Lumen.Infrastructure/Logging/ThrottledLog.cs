namespace Lumen.Infrastructure.Logging;

/// <summary>
/// At most one log line a second (or <c>interval</c>) for something that can come in floods (callers without a key,
/// uploads cut off, a backend's errors): the line that may be written learns how many were held back since the last
/// one. Safe to call from any thread, without a lock.
/// </summary>
public sealed class ThrottledLog(TimeProvider clock, TimeSpan? interval = null)
{
    private readonly long _interval = (long)((interval ?? TimeSpan.FromSeconds(1)).TotalSeconds * clock.TimestampFrequency);
    private long _nextAt; // timestamp of the clock from which the next line may be written
    private int _suppressed;

    /// <summary>True when a line may be written now; <paramref name="suppressed"/> is then how many were not, since the last.</summary>
    public bool ShouldLog(out int suppressed)
    {
        var now = clock.GetTimestamp();
        var next = Interlocked.Read(ref _nextAt);
        // Of callers racing for the same second, the one that moves the mark on writes the line.
        if (now < next || Interlocked.CompareExchange(ref _nextAt, now + _interval, next) != next)
        {
            Interlocked.Increment(ref _suppressed);
            suppressed = 0;
            return false;
        }
        suppressed = Interlocked.Exchange(ref _suppressed, 0);
        return true;
    }
}
