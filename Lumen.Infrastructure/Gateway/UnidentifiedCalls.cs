using System.Diagnostics.Metrics;
using Lumen.Infrastructure.Logging;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// Calls whose key did not match (missing, malformed, unknown, wrong secret). They are no request-log rows, so nobody
/// can grow the table without a key (§15): they are counted, and logged at most once a second with the count since.
/// </summary>
public sealed partial class UnidentifiedCalls
{
    public const string MeterName = "Lumen.Gateway";
    public const string InstrumentName = "lumen.gateway.unidentified_calls";

    private readonly Counter<long> _counter;
    private readonly ILogger<UnidentifiedCalls> _log;
    private readonly ThrottledLog _throttle;

    public UnidentifiedCalls(IMeterFactory meters, ILogger<UnidentifiedCalls> log, TimeProvider clock)
    {
        _counter = meters.Create(MeterName).CreateCounter<long>(InstrumentName, "{call}", "Model calls refused because their API key did not match");
        _log = log;
        _throttle = new ThrottledLog(clock);
    }

    public void Count(string operation)
    {
        _counter.Add(1, new KeyValuePair<string, object?>("gen_ai.operation.name", operation));
        if (_throttle.ShouldLog(out var suppressed)) LogRefused(_log, suppressed + 1L);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} model call(s) whose API key was missing or did not match, since the last such line")]
    private static partial void LogRefused(ILogger logger, long count);
}
