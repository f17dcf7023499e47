using System.Collections.Concurrent;

namespace Lumen.Infrastructure.Changes;

/// <summary>
/// Coalesces usage changes: calls mark their client, and at most every <see cref="Interval"/> one batch names each
/// client that was used, so a burst of thousands of calls costs open views one refresh (and the journal one row),
/// not thousands.
/// </summary>
public sealed class UsageSignals : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);
    private readonly ChangeFeed _feed;
    private readonly ITimer _timer;
    private int _flushing;

    public UsageSignals(ChangeFeed feed, TimeProvider clock)
    {
        _feed = feed;
        _timer = clock.CreateTimer(_ => _ = FlushAsync(), null, Interval, Interval);
    }

    public void Touch(string client) => _pending.TryAdd(client, 0);

    /// <summary>Publishes what is pending now (the timer calls this; a flush still running makes it wait for the next tick).</summary>
    public async Task FlushAsync()
    {
        if (_pending.IsEmpty || Interlocked.Exchange(ref _flushing, 1) == 1) return;
        try
        {
            var batch = new List<Change>();
            foreach (var client in _pending.Keys)
            {
                if (_pending.TryRemove(client, out _)) batch.Add(new Change(client, ChangeKind.UsageChanged, "usage"));
            }
            await _feed.PublishAsync(batch);
        }
        finally
        {
            Volatile.Write(ref _flushing, 0);
        }
    }

    public void Dispose() => _timer.Dispose();
}
