using Lumen.Infrastructure.Logging;

namespace Lumen.Portal.Gateway;

/// <summary>
/// Callers that hung up before the end of their request body. No fault of the portal's, and they can come in
/// floods: one warning line a second at most, with how many it left out, and no stack trace.
/// </summary>
internal sealed partial class CutOffUploads(ILogger<CutOffUploads> log, TimeProvider clock)
{
    private readonly ThrottledLog _throttle = new(clock);

    public void Saw()
    {
        if (_throttle.ShouldLog(out var suppressed)) LogCutOff(log, suppressed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A caller hung up before the end of its request body ({Suppressed} more since the last such line)")]
    private static partial void LogCutOff(ILogger logger, int suppressed);
}
