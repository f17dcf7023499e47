namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>
/// Tells open views that a model's state changed (an endpoint went down or came back) or was checked, as eShop's
/// order-status notifier: a model's state is not a change of a client, so it does not travel on the clients' change feed.
/// </summary>
public sealed class ModelStateNotifier
{
    private readonly Lock _gate = new();
    private Action<string>[] _listeners = [];

    /// <summary>Calls <paramref name="listener"/> with the model's name, on the publisher's thread, until disposed.</summary>
    public IDisposable Subscribe(Action<string> listener)
    {
        lock (_gate) _listeners = [.. _listeners, listener];
        return new Subscription(this, listener);
    }

    public void Publish(string model)
    {
        foreach (var listener in Volatile.Read(ref _listeners)) listener(model);
    }

    private void Remove(Action<string> listener)
    {
        lock (_gate) _listeners = [.. _listeners.Where(l => l != listener)];
    }

    private sealed class Subscription(ModelStateNotifier owner, Action<string> listener) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Remove(listener);
        }
    }
}
