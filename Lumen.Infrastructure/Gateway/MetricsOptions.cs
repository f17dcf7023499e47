using Microsoft.Extensions.Configuration;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// <c>Metrics:Enabled</c> (default true): collect and serve <c>/metrics</c>; false leaves the instruments unheard, which
/// is how the bench measures their cost. <c>Metrics:PerClient</c> (default false): label calls by client, one series per
/// client, for deployments with few clients.
/// </summary>
public sealed record MetricsOptions(bool Enabled, bool PerClient)
{
    public static MetricsOptions FromConfiguration(IConfiguration configuration) => new(
        configuration.GetValue("Metrics:Enabled", true),
        configuration.GetValue("Metrics:PerClient", false));
}
