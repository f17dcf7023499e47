using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lumen.Infrastructure.Events;

/// <summary>
/// A singleton that fans client changes out to subscribers (Blazor views, the SignalR hub). Subscribers marshal to
/// their own context and unsubscribe on dispose; one that throws is logged and does not stop the others.
/// </summary>
public sealed partial class ClientChangeNotifier(ILogger<ClientChangeNotifier>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<ClientChangeNotifier>.Instance;

    /// <summary>Raised with every batch of changes (a config reload publishes all its changes as one batch).</summary>
    public event Action<IReadOnlyList<ClientChange>>? Changed;

    public void Publish(IReadOnlyList<ClientChange> changes)
    {
        if (changes.Count == 0 || Changed is not { } handlers) return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<IReadOnlyList<ClientChange>>>())
        {
            try
            {
                handler(changes);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                SubscriberFailed(_logger, e);
            }
        }
    }

    public void Publish(ClientChange change) => Publish([change]);

    [LoggerMessage(Level = LogLevel.Error, Message = "A subscriber to client changes failed")]
    private static partial void SubscriberFailed(ILogger logger, Exception exception);
}
