using Lumen.Portal.Clients;
using Microsoft.AspNetCore.SignalR.Client;

namespace Lumen.Tests.Portal.Site;

/// <summary>A <c>/hubs/clients</c> listener that keeps every <c>clientsChanged</c> message it receives.</summary>
public sealed class HubListener : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly List<ClientChangeMessage> _received = [];
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HubListener(HubConnection connection)
    {
        _connection = connection;
        connection.On<List<ClientChangeMessage>>(ClientsHub.ChangedMethod, batch =>
        {
            lock (_received) _received.AddRange(batch);
        });
        connection.On(ClientsHub.SubscribedMethod, () => _subscribed.TrySetResult());
    }

    /// <summary>
    /// Starts <paramref name="connection"/> and returns once the hub says the subscription exists: a started connection
    /// may not be subscribed yet, and a change made in between would never reach it.
    /// </summary>
    public static async Task<HubListener> ListenAsync(HubConnection connection)
    {
        var listener = new HubListener(connection);
        await connection.StartAsync();
        await listener._subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return listener;
    }

    public IReadOnlyList<ClientChangeMessage> Received
    {
        get
        {
            lock (_received) return [.. _received];
        }
    }

    public IReadOnlySet<string> Clients => Received.Select(m => m.Client ?? "(many clients)").ToHashSet();

    public async Task WaitForCountAsync(int messages)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (Received.Count < messages && !timeout.IsCancellationRequested) await Task.Delay(25, CancellationToken.None);
        Received.Should().HaveCountGreaterThanOrEqualTo(messages);
    }

    public async Task WaitForAsync(params string[] clients)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!clients.All(Clients.Contains) && !timeout.IsCancellationRequested) await Task.Delay(25, CancellationToken.None);
        Clients.Should().Contain(clients);
    }

    /// <summary>Waits until a message matches, then returns how many do (the caller may wait on and count again).</summary>
    public async Task<int> WaitForAsync(Func<ClientChangeMessage, bool> match, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(20));
        while (!Received.Any(match) && !timeout.IsCancellationRequested) await Task.Delay(25, CancellationToken.None);
        Received.Should().Contain(m => match(m));
        return Received.Count(match);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
