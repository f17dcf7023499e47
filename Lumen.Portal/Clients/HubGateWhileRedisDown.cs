using Lumen.Infrastructure.Logging;
using Lumen.Infrastructure.Redis;

namespace Lumen.Portal.Clients;

/// <summary>
/// With the Redis backplane, a new <c>/hubs/clients</c> connection subscribes on Redis before it can hear anything, so
/// while Redis is down every attempt fails inside SignalR, which logs each one as an error: a listener that keeps
/// retrying fills the log. This refuses the attempts before SignalR makes a connection (503, <c>Retry-After</c>) and
/// says so at most once a second, with a count. Connections already open go on (they hear through the journal).
/// </summary>
internal sealed partial class HubGateWhileRedisDown(RequestDelegate next, RedisConnection redis, TimeProvider clock,
    ILogger<HubGateWhileRedisDown> logger)
{
    private const int RetryAfterSeconds = 5;
    private readonly ThrottledLog _throttle = new(clock);

    public async Task InvokeAsync(HttpContext http)
    {
        if (!redis.IsDown || !StartsConnection(http.Request))
        {
            await next(http);
            return;
        }
        if (_throttle.ShouldLog(out var heldBack)) Refused(logger, heldBack + 1);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await http.Response.WriteAsync("Live updates are unavailable while Redis is down; connect again in a few seconds.");
    }

    /// <summary>A negotiation, or a connection made without one (WebSockets with negotiation skipped): no connection id yet.</summary>
    private static bool StartsConnection(HttpRequest request) =>
        request.Path.Value?.EndsWith("/negotiate", StringComparison.Ordinal) == true || !request.Query.ContainsKey("id");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} new hub connection(s) since the last line: Redis is unavailable, and the hub's backplane needs it to open one")]
    private static partial void Refused(ILogger logger, int count);
}
