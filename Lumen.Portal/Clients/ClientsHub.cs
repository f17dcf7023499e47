using System.Collections.Concurrent;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Redis;
using Lumen.Portal.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace Lumen.Portal.Clients;

/// <summary>
/// <c>/hubs/clients</c>: the dashboard's change events for listeners outside Blazor (§7), authorised like
/// <c>/clients</c>. Clients only listen: each connection is one subscription to the change feed as its person, so it
/// hears of exactly the clients they may see, as <c>clientsChanged</c> with a list of <see cref="ClientChangeMessage"/>.
/// </summary>
[Authorize(Policy = PortalPolicies.ClientsArea)]
public sealed class ClientsHub(ClientsHubListeners listeners) : Hub
{
    public const string Path = "/hubs/clients";
    public const string ChangedMethod = "clientsChanged";

    /// <summary>
    /// Sent to a new connection once its subscription exists. SignalR completes the client's start at the handshake,
    /// before this hub's <see cref="OnConnectedAsync"/> runs, so only this message tells a listener that every change
    /// from now on reaches it.
    /// </summary>
    public const string SubscribedMethod = "subscribed";

    public override async Task OnConnectedAsync()
    {
        await listeners.ListenAsync(Context.ConnectionId, PortalUser.ActorOf(Context.User));
        await Clients.Caller.SendAsync(SubscribedMethod);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        listeners.Forget(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>
/// What the hub sends for one change. <see cref="Client"/> is null for a change too large to name each client (a save
/// that changes many): reload everything.
/// </summary>
public sealed record ClientChangeMessage(string? Client, string Kind, string Summary);

/// <summary>The hub's feed subscriptions, one per open connection.</summary>
public sealed partial class ClientsHubListeners(ChangeFeed feed, IHubContext<ClientsHub> hub, ILogger<ClientsHubListeners> logger)
    : IDisposable
{
    private readonly ConcurrentDictionary<string, IDisposable> _subscriptions = new(StringComparer.Ordinal);

    /// <summary>A test seam: how long a new connection waits before it subscribes (zero in the product).</summary>
    internal TimeSpan SubscribeDelay { get; set; }

    public async Task ListenAsync(string connectionId, Lumen.Infrastructure.UseCases.Actor? person)
    {
        if (SubscribeDelay > TimeSpan.Zero) await Task.Delay(SubscribeDelay);
        // A config load is for the portal's own views; what it changed arrives as the clients' changes.
        var subscription = feed.Subscribe(ChangeViewer.Of(person), c => c.Kind != ChangeKind.ConfigLoaded,
            changes => _ = SendAsync(connectionId, changes.Select(c => new ClientChangeMessage(c.Client, c.Kind.ToString(), c.Summary)).ToList()));
        if (_subscriptions.TryGetValue(connectionId, out var old)) old.Dispose();
        _subscriptions[connectionId] = subscription;
    }

    public void Forget(string connectionId)
    {
        if (_subscriptions.TryRemove(connectionId, out var subscription)) subscription.Dispose();
    }

    private async Task SendAsync(string connectionId, IReadOnlyList<ClientChangeMessage> messages)
    {
        try
        {
            await hub.Clients.Client(connectionId).SendAsync(ClientsHub.ChangedMethod, messages);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            SendFailed(logger, e);
        }
    }

    public void Dispose()
    {
        foreach (var subscription in _subscriptions.Values) subscription.Dispose();
        _subscriptions.Clear();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending client changes to a hub listener failed")]
    private static partial void SendFailed(ILogger logger, Exception exception);
}

public static class ClientsHubSetup
{
    /// <summary>
    /// With Redis, the hub gets the SignalR Redis backplane, so a send to a connection, group or everyone reaches the
    /// instance that holds it. The change events do not travel through it: each instance sends them to its own
    /// connections from its own feed, which Redis already fed (a send to a connection of this instance is written to it
    /// directly, never to the backplane), so each listener gets each change once.
    /// </summary>
    public static IServiceCollection AddClientsHub(this IServiceCollection services, RedisSettings? redis = null)
    {
        services.AddSignalR();
        if (redis is not null)
        {
            // This hub's only, not AddStackExchangeRedis: that would put every hub on Redis, Blazor's circuits too, and a
            // Redis outage would then refuse new circuits.
            services.Configure<RedisOptions>(o =>
            {
                o.Configuration = redis.Options();
                o.Configuration.ChannelPrefix = RedisChannel.Literal(redis.ChannelPrefix + ":hub:");
            });
            services.AddSingleton<HubLifetimeManager<ClientsHub>, RedisHubLifetimeManager<ClientsHub>>();
        }
        services.AddSingleton<ClientsHubListeners>();
        return services;
    }

    /// <summary>With Redis, new hub connections are refused (not failed, one by one) while it is down.</summary>
    public static IApplicationBuilder UseClientsHubGate(this IApplicationBuilder app, RedisSettings? redis) =>
        redis is null ? app : app.UseWhen(http => http.Request.Path.StartsWithSegments(ClientsHub.Path),
            hub => hub.UseMiddleware<HubGateWhileRedisDown>());

    public static IEndpointRouteBuilder MapClientsHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<ClientsHub>(ClientsHub.Path);
        return app;
    }
}
