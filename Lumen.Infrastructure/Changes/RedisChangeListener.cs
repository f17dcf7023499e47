using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Changes;

/// <summary>
/// Delivers the batches other processes publish on Redis to this instance's feed (the server's; the command line only
/// publishes). Skips its own, and any its journal reader delivered first. Subscribes once Redis answers; after that
/// StackExchange.Redis subscribes again by itself whenever the connection comes back.
/// </summary>
public sealed partial class RedisChangeListener(RedisChangeRelay relay, ChangeFeed feed, ILogger<RedisChangeListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var said = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await relay.SubscribeAsync(OnBatchAsync);
                return;
            }
            catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
            {
                if (!said) SubscribeFailed(logger, e);
                said = true;
                await Task.Delay(RetryEvery, stoppingToken);
            }
        }
    }

    private Task OnBatchAsync(string instance, long? journalId, IReadOnlyList<Change> changes)
    {
        if (instance == feed.Instance) return Task.CompletedTask;
        if (journalId is { } id && !feed.Delivered.First(id)) return Task.CompletedTask;
        return feed.DeliverAsync(changes);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to changes on Redis failed; will try again (the database path carries them meanwhile)")]
    private static partial void SubscribeFailed(ILogger logger, Exception exception);
}
