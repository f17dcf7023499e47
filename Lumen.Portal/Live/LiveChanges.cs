using Lumen.Infrastructure.Events;
using Lumen.Portal.Operations;

namespace Lumen.Portal.Live;

/// <summary>
/// What a live view takes from the change feed (§7): the client changes it cares about, collected from whatever thread
/// publishes them, and its refresh, run through a <see cref="RefreshThrottle"/> with the changes that arrived since
/// the last one. Subscribes when made and unsubscribes when disposed.
/// </summary>
public sealed class LiveChanges : IDisposable
{
    private readonly ClientChangeNotifier _notifier;
    private readonly Func<ClientChange, bool> _relevant;
    private readonly Func<IReadOnlyList<ClientChange>, Task> _refresh;
    private readonly RefreshThrottle _throttle;
    private readonly Lock _gate = new();
    private List<ClientChange> _unseen = [];
    private int _disposed;

    /// <param name="relevant">Which changes concern the view (called on the publisher's thread).</param>
    /// <param name="refresh">The view's refresh, given the changes since the last one (the view moves it onto its renderer).</param>
    public LiveChanges(ClientChangeNotifier notifier, Func<ClientChange, bool> relevant,
        Func<IReadOnlyList<ClientChange>, Task> refresh, TimeProvider clock)
    {
        _notifier = notifier;
        _relevant = relevant;
        _refresh = refresh;
        _throttle = new RefreshThrottle(RunAsync, clock);
        notifier.Changed += OnChanged;
        LiveViewCount.Opened();
    }

    /// <summary>Asks for a refresh without a change of its own (a config reload, say).</summary>
    public void Request() => _throttle.Request();

    /// <summary>Forgets the changes not shown yet: the view now shows something else.</summary>
    public void Clear()
    {
        lock (_gate) _unseen = [];
    }

    private void OnChanged(IReadOnlyList<ClientChange> changes)
    {
        var ours = changes.Where(_relevant).ToList();
        if (ours.Count == 0) return;
        lock (_gate) _unseen.AddRange(ours);
        _throttle.Request();
    }

    private Task RunAsync()
    {
        List<ClientChange> changes;
        lock (_gate) (changes, _unseen) = (_unseen, []);
        return _refresh(changes);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) LiveViewCount.Closed();
        _notifier.Changed -= OnChanged;
        _throttle.Dispose();
    }
}
