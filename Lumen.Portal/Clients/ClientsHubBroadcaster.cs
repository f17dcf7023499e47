using System.Threading.Channels;
using Lumen.Infrastructure.Common;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Events;
using Lumen.Infrastructure.Clients;
using Microsoft.AspNetCore.SignalR;

namespace Lumen.Portal.Clients;

/// <summary>
/// Forwards client changes to hub listeners. Recipients are worked out per batch from the config in force (admins)
/// and the database (managers), so a change of role counts at once and nobody hears about a client they may not see.
/// </summary>
public sealed partial class ClientsHubBroadcaster(
    ClientChangeNotifier notifier, ConfigState config, ClientDirectory directory,
    IHubContext<ClientsHub> hub, ILogger<ClientsHubBroadcaster> logger) : BackgroundService
{
    private readonly Channel<IReadOnlyList<ClientChange>> _batches =
        Channel.CreateUnbounded<IReadOnlyList<ClientChange>>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        notifier.Changed += Enqueue;
        try
        {
            await foreach (var batch in _batches.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await SendAsync(batch, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    SendFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            notifier.Changed -= Enqueue;
        }
    }

    private void Enqueue(IReadOnlyList<ClientChange> batch) => _batches.Writer.TryWrite(batch);

    private async Task SendAsync(IReadOnlyList<ClientChange> batch, CancellationToken ct)
    {
        var messages = batch.Select(c => new ClientChangeMessage(c.Client, c.Kind.ToString(), c.Summary)).ToList();
        var admins = (config.InForce?.Admins ?? []).Select(Actor.Normalize).ToHashSet(StringComparer.Ordinal);
        if (admins.Count > 0) await hub.Clients.Users(admins.ToList()).SendAsync(ClientsHub.ChangedMethod, messages, ct);

        var names = messages.Select(m => m.Client).Distinct().ToList();
        foreach (var (email, theirs) in await directory.ManagersOfAsync(names, ct))
        {
            if (admins.Contains(email)) continue;
            await hub.Clients.User(email).SendAsync(ClientsHub.ChangedMethod, messages.Where(m => theirs.Contains(m.Client)).ToList(), ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending client changes to hub listeners failed")]
    private static partial void SendFailed(ILogger logger, Exception exception);
}
