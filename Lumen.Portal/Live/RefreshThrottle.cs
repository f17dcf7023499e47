namespace Lumen.Portal.Live;

/// <summary>
/// Runs a view's refresh at most once per <see cref="Interval"/> (§7: about one refresh a second per view). The first
/// request after a quiet spell runs at once; requests that arrive while one is waiting or running coalesce into a
/// single trailing refresh, so the last change is always shown. Thread-safe: change events arrive on any thread.
/// A refresh that throws is handed to <c>failed</c> (nobody awaits the throttle's task) and later requests run as usual.
/// </summary>
public sealed class RefreshThrottle : IDisposable
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    private readonly Func<Task> _refresh;
    private readonly Action<Exception> _failed;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposed = new();
    private bool _scheduled;
    private bool _again;
    private DateTimeOffset _lastRun = DateTimeOffset.MinValue;

    public RefreshThrottle(Func<Task> refresh, Action<Exception> failed, TimeProvider? clock = null, TimeSpan? interval = null)
    {
        _refresh = refresh;
        _failed = failed;
        _clock = clock ?? TimeProvider.System;
        Interval = interval ?? DefaultInterval;
    }

    public TimeSpan Interval { get; }

    /// <summary>Asks for a refresh; returns at once.</summary>
    public void Request()
    {
        lock (_gate)
        {
            if (_disposed.IsCancellationRequested) return;
            if (_scheduled)
            {
                _again = true;
                return;
            }
            _scheduled = true;
        }
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            var wait = _lastRun + Interval - _clock.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, _clock, _disposed.Token);
                lock (_gate) _again = false;
                _lastRun = _clock.GetUtcNow();
                await _refresh();
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return; // the view went away while refreshing
            }
            catch (Exception e)
            {
                lock (_gate) _scheduled = false; // a failed refresh must not stop later ones
                _failed(e);
                return;
            }
            lock (_gate)
            {
                if (!_again || _disposed.IsCancellationRequested)
                {
                    _scheduled = false;
                    return;
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_gate) _disposed.Cancel();
        _disposed.Dispose();
    }
}
