using Lumen.Infrastructure.Changes;
using Lumen.Portal.Operations;
using Microsoft.AspNetCore.Components;

namespace Lumen.Portal.Live;

/// <summary>
/// A component that refreshes itself from the change feed (§7). It owns the subscription, the throttle (about one
/// refresh a second), the move onto the renderer, and disposal; a refresh that throws goes to the renderer
/// (<see cref="ComponentBase.DispatchExceptionAsync"/>), where it is logged and shown like any other failure.
/// </summary>
public abstract class LiveView : ComponentBase, IDisposable
{
    private readonly Lock _gate = new();
    private List<Change> _unseen = [];
    private IDisposable? _subscription;
    private RefreshThrottle? _throttle;
    private int _disposed;

    [Inject] private ChangeFeed Feed { get; set; } = default!;
    [Inject] protected TimeProvider Clock { get; set; } = default!;

    /// <summary>
    /// Starts listening as <paramref name="viewer"/> (who decides which clients' changes arrive) for the changes
    /// <paramref name="relevant"/> keeps; it runs on the publisher's thread. Call once, from <c>OnInitialized</c>.
    /// </summary>
    protected void Listen(ChangeViewer viewer, Func<Change, bool>? relevant = null)
    {
        if (_subscription is not null) throw new InvalidOperationException("A live view listens once.");
        _throttle = new RefreshThrottle(RefreshAsync, Failed, Clock);
        _subscription = Feed.Subscribe(viewer, relevant, OnChanges);
        LiveViewCount.Opened();
    }

    /// <summary>The view's refresh, on its renderer, with the changes since the last one; it re-renders afterwards.</summary>
    protected abstract Task OnChangesAsync(IReadOnlyList<Change> changes);

    /// <summary>Forgets the changes not shown yet: the view now shows something else.</summary>
    protected void ForgetUnseen()
    {
        lock (_gate) _unseen = [];
    }

    private void OnChanges(IReadOnlyList<Change> changes)
    {
        lock (_gate) _unseen.AddRange(changes);
        _throttle?.Request();
    }

    private Task RefreshAsync() => InvokeAsync(async () =>
    {
        List<Change> changes;
        lock (_gate) (changes, _unseen) = (_unseen, []);
        try
        {
            await OnChangesAsync(changes);
            StateHasChanged();
        }
        catch (Exception e) when (Volatile.Read(ref _disposed) == 0)
        {
            await DispatchExceptionAsync(e);
        }
    });

    // Reached only when the refresh could not even be started on the renderer.
    private void Failed(Exception e)
    {
        if (Volatile.Read(ref _disposed) == 0) _ = InvokeAsync(() => DispatchExceptionAsync(e));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _subscription?.Dispose();
        _throttle?.Dispose();
        if (_subscription is not null) LiveViewCount.Closed();
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>For what a view holds beyond its subscription.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
