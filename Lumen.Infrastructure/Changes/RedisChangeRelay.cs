using System.Text.Json;
using System.Threading.Channels;
using Lumen.Infrastructure.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Lumen.Infrastructure.Changes;

/// <summary>
/// The fast path of the change feed between processes (§18, with <c>Redis:Configuration</c>): each journaled batch is
/// also published on one Redis channel, with its journal row id, which <see cref="DeliveredBatches"/> uses to deliver
/// it once whichever path (this or the journal) brings it first. Publishing is queued and sent by one loop, so a call or
/// an action never waits for Redis; while Redis is down, messages are dropped: the journal carries them.
/// </summary>
public sealed partial class RedisChangeRelay : IAsyncDisposable
{
    /// <summary>Prefixed by <see cref="RedisSettings.ChannelPrefix"/> (the connection's channel prefix).</summary>
    internal static readonly RedisChannel Channel = RedisChannel.Literal("changes");

    private static readonly TimeSpan FlushAtMost = TimeSpan.FromSeconds(3);
    private const int QueuedAtMost = 10_000;

    private readonly RedisConnection _redis;
    private readonly ILogger _logger;
    private readonly Channel<string> _queue = System.Threading.Channels.Channel.CreateBounded<string>(
        new BoundedChannelOptions(QueuedAtMost) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Lazy<Task> _sender;
    private bool _failing;

    public RedisChangeRelay(RedisConnection redis, ILogger<RedisChangeRelay> logger)
    {
        _redis = redis;
        _logger = logger;
        _sender = new Lazy<Task>(() => Task.Run(SendAsync));
    }

    /// <summary>Queues a batch for the other instances; <paramref name="journalId"/> is null when the journal write failed.</summary>
    internal void Publish(string instance, long? journalId, IReadOnlyList<Change> changes)
    {
        _ = _sender.Value;
        _queue.Writer.TryWrite(JsonSerializer.Serialize(new Message(instance, journalId, ChangeJournal.Write(changes))));
    }

    /// <summary>Subscribes <paramref name="onBatch"/> to other processes' batches; throws while Redis is unreachable.</summary>
    internal async Task SubscribeAsync(Func<string, long?, IReadOnlyList<Change>, Task> onBatch)
    {
        var multiplexer = await _redis.GetAsync();
        var queue = await multiplexer.GetSubscriber().SubscribeAsync(Channel);
        queue.OnMessage(async message =>
        {
            if (Parse(message.Message) is { } m) await onBatch(m.Instance, m.Id, ChangeJournal.Read(m.Changes));
        });
    }

    private Message? Parse(RedisValue value)
    {
        try
        {
            return JsonSerializer.Deserialize<Message>(value.ToString());
        }
        catch (JsonException e)
        {
            MessageUnreadable(_logger, e);
            return null;
        }
    }

    private async Task SendAsync()
    {
        await foreach (var message in _queue.Reader.ReadAllAsync())
        {
            try
            {
                var multiplexer = await _redis.GetAsync();
                if (multiplexer.IsConnected)
                {
                    await multiplexer.GetSubscriber().PublishAsync(Channel, message);
                    _failing = false;
                }
                else
                {
                    if (!_failing) NotConnected(_logger);
                    _failing = true;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Said once per outage (the loop must outlive any failure); the journal carries what is dropped here.
                if (!_failing) PublishFailed(_logger, e);
                _failing = true;
            }
        }
    }

    /// <summary>Sends what is queued (the command line exits right after its change), for at most a few seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (!_sender.IsValueCreated) return;
        await _sender.Value.WaitAsync(FlushAtMost).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private sealed record Message(string Instance, long? Id, string Changes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing a change to Redis failed; other instances get it from the database")]
    private static partial void PublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is not connected; other instances get changes from the database")]
    private static partial void NotConnected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A change message from Redis could not be read; it is skipped")]
    private static partial void MessageUnreadable(ILogger logger, Exception exception);
}
