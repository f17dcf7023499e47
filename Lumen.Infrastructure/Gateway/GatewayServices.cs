using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Consent;
using Lumen.Infrastructure.Events;
using Lumen.Infrastructure.Gateway.Upstream;
using Lumen.Infrastructure.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Infrastructure.Gateway;

public static class GatewayServices
{
    /// <summary>The model-call path (<see cref="ModelCalls"/>) and what it stands on; upstream waits bounded by <paramref name="upstreamTimeout"/>.</summary>
    public static IServiceCollection AddLumenGateway(this IServiceCollection services, TimeSpan upstreamTimeout)
    {
        services.AddMetrics();
        services.AddSingleton(_ => new UpstreamClients(upstreamTimeout));
        services.AddSingleton<UsageSignals>();
        services.AddSingleton<UnidentifiedCalls>();
        services.AddSingleton(sp => new ModelCalls(
            sp.GetRequiredService<KeyVerifier>(),
            new CallAdmission(sp.GetRequiredService<ConfigState>(), sp.GetRequiredService<ConsentService>(), sp.GetRequiredService<TimeProvider>()),
            sp.GetRequiredService<UpstreamClients>(),
            sp.GetRequiredService<CoinLedger>(),
            sp.GetRequiredService<UsageSignals>(),
            sp.GetRequiredService<UnidentifiedCalls>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
