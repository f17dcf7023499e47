using Microsoft.Extensions.Configuration;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>How often each endpoint is probed (<c>Gateway:HealthIntervalSeconds</c>, §20) and how long a probe may take.</summary>
public sealed record EndpointHealthOptions(TimeSpan Interval, TimeSpan ProbeTimeout)
{
    public static readonly EndpointHealthOptions Default = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5));

    /// <summary>Fractions of a second are allowed (tests probe often); zero or less is refused at start.</summary>
    public static EndpointHealthOptions FromConfiguration(IConfiguration configuration)
    {
        var seconds = configuration.GetValue("Gateway:HealthIntervalSeconds", Default.Interval.TotalSeconds);
        if (seconds <= 0) throw new InvalidOperationException($"Gateway:HealthIntervalSeconds must be a positive number; it is {seconds}.");
        return Default with { Interval = TimeSpan.FromSeconds(seconds) };
    }
}
