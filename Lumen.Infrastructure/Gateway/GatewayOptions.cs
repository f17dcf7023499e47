using Microsoft.Extensions.Configuration;

namespace Lumen.Infrastructure.Gateway;

/// <summary>The gateway's bounds (§15): how long an upstream may take, how big a request and an answer may be.</summary>
public sealed record GatewayOptions(TimeSpan UpstreamTimeout, TimeSpan StreamIdle, long MaxRequestBytes, long MaxUpstreamResponseBytes)
{
    public static readonly GatewayOptions Default = new(TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(60), 16L << 20, 32L << 20);

    /// <summary>An upstream's error body is read only this far (it is only looked at for a message).</summary>
    public const int MaxErrorBodyBytes = 64 << 10;

    /// <summary>…and for at most this long, within the whole-answer bound and while the caller waits.</summary>
    public static readonly TimeSpan ErrorBodyTime = TimeSpan.FromSeconds(10);

    public static GatewayOptions FromConfiguration(IConfiguration configuration) => new(
        TimeSpan.FromSeconds(Positive(configuration, "Gateway:UpstreamTimeoutSeconds", Default.UpstreamTimeout.TotalSeconds)),
        TimeSpan.FromSeconds(Positive(configuration, "Gateway:StreamIdleSeconds", Default.StreamIdle.TotalSeconds)),
        (long)Positive(configuration, "Gateway:MaxRequestBytes", Default.MaxRequestBytes),
        (long)Positive(configuration, "Gateway:MaxUpstreamResponseBytes", Default.MaxUpstreamResponseBytes));

    private static double Positive(IConfiguration configuration, string key, double fallback)
    {
        var value = configuration.GetValue(key, fallback);
        return value > 0 ? value : throw new InvalidOperationException($"{key} must be a positive number; it is {value}.");
    }
}
