using System.Diagnostics.Metrics;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Gateway.Capacity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Gateway.Upstream;

internal static class EndpointHealthServices
{
    /// <summary>Health, routing, failover and the prober of §20 (the interval: an <see cref="EndpointHealthOptions"/> registered before, else 30 s).</summary>
    public static IServiceCollection AddEndpointHealth(this IServiceCollection services)
    {
        services.AddSingleton<ModelStateNotifier>();
        services.AddSingleton(sp => new EndpointHealth(sp.GetRequiredService<ModelStateNotifier>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new EndpointRouter(sp.GetRequiredService<EndpointHealth>()));
        services.AddEndpointCapacity();
        services.AddSingleton(sp => new EndpointFailover(sp.GetRequiredService<UpstreamClients>(), sp.GetRequiredService<EndpointCapacity>(),
            sp.GetRequiredService<EndpointHealth>(), sp.GetRequiredService<GatewayOptions>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<EndpointFailover>>()));
        services.AddSingleton(sp => new EndpointProber(sp.GetRequiredService<ConfigState>(), sp.GetRequiredService<EndpointHealth>(),
            sp.GetRequiredService<UpstreamClients>(), sp.GetService<EndpointHealthOptions>() ?? EndpointHealthOptions.Default,
            sp.GetRequiredService<ModelStateNotifier>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EndpointProber>>()));
        services.AddSingleton(sp => new EndpointMetrics(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<ConfigState>(), sp.GetRequiredService<EndpointHealth>()));
        services.AddHostedService(sp =>
        {
            // Nothing else asks for the gauge: made with the prober, it is observed from the start.
            sp.GetRequiredService<EndpointMetrics>();
            sp.GetRequiredService<CapacityMetrics>();
            return sp.GetRequiredService<EndpointProber>();
        });
        return services;
    }
}
