using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Lumen.Infrastructure.Gateway.Upstream;
using Lumen.Infrastructure.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Lumen.Infrastructure.Gateway.Capacity;

/// <summary>
/// Slots counted over every instance (§20, with Redis): each endpoint's slots are leases in a sorted set, scored by when
/// they expire (Redis's clock, so instances' clocks need not agree). A lease is taken only while fewer unexpired ones than
/// <c>max_concurrent</c> are there, renewed every third of <c>Gateway:SlotLeaseSeconds</c> while its call runs, and
/// removed when the call ends; a crashed instance's leases expire within that time. When Redis is down or fails a
/// command, the slot is this instance's alone (its own count is the cap) and <c>/readyz</c> says degraded.
/// </summary>
internal sealed partial class SharedSlots(RedisConnection redis, CapacityOptions options, ILogger<SharedSlots> log) : BackgroundService
{
    // Expired leases go first; then a lease is added only below the cap. KEYS[1] the set; ARGV max, lease ms, lease id.
    private const string TakeScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """;

    // Pushes the lease's expiry on; re-adds it after a Redis restart lost it, so a running call counts again.
    private const string RenewScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return 1
        """;

    private readonly ConcurrentDictionary<EndpointLease, RedisKey> _held = new();
    private readonly long _leaseMs = (long)options.SlotLease.TotalMilliseconds;
    private int _failing;

    /// <summary>Leases this instance holds in Redis now (for tests and the models page).</summary>
    public int Held => _held.Count;

    /// <summary>False when every instance together has the endpoint full; true when taken, or when Redis cannot say.</summary>
    public async ValueTask<bool> TryTakeAsync(EndpointLease lease, int max)
    {
        if (redis.IsDown) return true;
        var key = Key(lease.Endpoint);
        var id = Guid.NewGuid().ToString("N");
        try
        {
            var database = (await redis.GetAsync()).GetDatabase();
            var took = (long)await database.ScriptEvaluateAsync(TakeScript, [key], [max, _leaseMs, id]);
            Recovered();
            if (took == 0) return false;
            lease.SharedId = id;
            _held[lease] = key;
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Failed(e);
            return true;
        }
    }

    public void Release(EndpointLease lease)
    {
        if (!_held.TryRemove(lease, out var key) || redis.IsDown) return;
        _ = ReleaseAsync(key, lease.SharedId!);
    }

    private async Task ReleaseAsync(RedisKey key, string id)
    {
        try
        {
            await (await redis.GetAsync()).GetDatabase().SortedSetRemoveAsync(key, id);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // It expires within the lease time by itself.
            Failed(e);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SlotLease / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await RenewAsync();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task RenewAsync()
    {
        if (_held.IsEmpty || redis.IsDown) return;
        try
        {
            var database = (await redis.GetAsync()).GetDatabase();
            await Task.WhenAll(_held.Select(h => database.ScriptEvaluateAsync(RenewScript, [h.Value], [_leaseMs, h.Key.SharedId!])));
            Recovered();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Failed(e);
        }
    }

    /// <summary>The endpoint's set: named by a hash of model and URL, so no URL (nor a credential in one) is written to Redis.</summary>
    private RedisKey Key(EndpointStatus endpoint)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(endpoint.Model + "\n" + endpoint.Endpoint.Url));
        return $"{redis.Settings.ChannelPrefix}:slots:{Convert.ToHexStringLower(hash, 0, 12)}";
    }

    private void Failed(Exception e)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0) LogFailing(log, e);
    }

    private void Recovered()
    {
        if (Interlocked.Exchange(ref _failing, 0) == 1) LogRecovered(log);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis failed a slot command; each instance applies max_concurrent by itself until it answers again")]
    private static partial void LogFailing(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers slot commands again; max_concurrent counts every instance's calls")]
    private static partial void LogRecovered(ILogger logger);
}
