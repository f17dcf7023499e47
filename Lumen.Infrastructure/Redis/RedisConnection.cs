using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Lumen.Infrastructure.Redis;

/// <summary>
/// This process's connection to Redis, made on first use and kept; StackExchange.Redis reconnects by itself (and
/// subscribes again) after an outage. <see cref="IsConnected"/> is what <c>/readyz</c> reports.
/// </summary>
public sealed partial class RedisConnection(RedisSettings settings, ILogger<RedisConnection> logger) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Task<ConnectionMultiplexer>? _connecting;

    public RedisSettings Settings { get; } = settings;

    public bool IsConnected => _connecting is { IsCompletedSuccessfully: true } done && done.Result.IsConnected;

    /// <summary>
    /// Whether Redis is known to be unreachable now: a connection was made or tried and is not up. False while the
    /// first connection is still being made (at start), when nothing is known yet.
    /// </summary>
    public bool IsDown => _connecting is { IsCompleted: true } && !IsConnected;

    /// <summary>The multiplexer; connected, or reconnecting in the background when Redis is down.</summary>
    public Task<ConnectionMultiplexer> GetAsync()
    {
        lock (_gate) return _connecting ??= ConnectAsync();
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(Settings.Options());
        multiplexer.ConnectionFailed += (_, e) => ConnectionLost(logger, e.FailureType.ToString());
        multiplexer.ConnectionRestored += (_, _) => ConnectionBack(logger);
        if (!multiplexer.IsConnected) ConnectionLost(logger, "not reachable at start");
        return multiplexer;
    }

    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer>? connecting;
        lock (_gate) connecting = _connecting;
        if (connecting is null) return;
        try
        {
            await (await connecting).DisposeAsync();
        }
        catch (RedisException)
        {
            // Never connected: nothing to close.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable ({Reason}); changes reach other instances through the database until it is back")]
    private static partial void ConnectionLost(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is back; changes travel between instances through it again")]
    private static partial void ConnectionBack(ILogger logger);
}
