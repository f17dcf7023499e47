using System.Collections.Concurrent;

namespace Lumen.Infrastructure.Events;

/// <summary>
/// Coalesces usage changes: calls mark their client, and at most every <see cref="Interval"/> one batch names each
/// client that was used, so a burst of thousands of calls costs open views one refresh, not thousands.
/// </summary>
public sealed class UsageSignals : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);
    private readonly ClientChangeNotifier _notifier;
    private readonly ITimer _timer;

    public UsageSignals(ClientChangeNotifier notifier, TimeProvider clock)
    {
        _notifier = notifier;
        _timer = clock.CreateTimer(_ => Flush(), null, Interval, Interval);
    }

    public void Touch(string client) => _pending.TryAdd(client, 0);

    /// <summary>Publishes what is pending now (the timer calls this).</summary>
    public void Flush()
    {
        if (_pending.IsEmpty) return;
        var batch = new List<ClientChange>();
        foreach (var client in _pending.Keys)
        {
            if (_pending.TryRemove(client, out _)) batch.Add(new ClientChange(client, ClientChangeKind.UsageChanged, "usage"));
        }
        _notifier.Publish(batch);
    }

    public void Dispose() => _timer.Dispose();
}
