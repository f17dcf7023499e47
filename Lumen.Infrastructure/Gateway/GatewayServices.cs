using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Consent;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Gateway.Upstream;
using Lumen.Infrastructure.Ledger;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Gateway;

public static class GatewayServices
{
    /// <summary>The model-call path (<see cref="ModelCalls"/>) and what it stands on, within <paramref name="options"/>' bounds.</summary>
    public static IServiceCollection AddLumenGateway(this IServiceCollection services, GatewayOptions options)
    {
        services.AddMetrics();
        services.AddSingleton(options);
        services.AddSingleton<UpstreamClients>();
        services.AddEndpointHealth();
        services.AddSingleton(sp => new ModelCallStats(sp.GetRequiredService<TimeProvider>()));
        // The models page reads what the gateway keeps (health, the last hour), so it is registered with it.
        services.AddSingleton<Models.ModelBoard>();
        services.AddSingleton<UsageSignals>();
        services.AddSingleton<UnidentifiedCalls>();
        services.AddSingleton(sp => new CallAdmission(sp.GetRequiredService<ConfigState>(), sp.GetRequiredService<ConsentService>(),
            sp.GetService<Notifications.Notifier>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new CallerStatusQuery(sp.GetRequiredService<KeyVerifier>(),
            sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Persistence.LumenDbContext>>(),
            sp.GetRequiredService<CallAdmission>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new GatewayMetrics(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<ConfigState>(), sp.GetService<MetricsOptions>()?.PerClient ?? false));
        services.AddSingleton(sp => new ModelCalls(
            sp.GetRequiredService<KeyVerifier>(),
            sp.GetRequiredService<CallAdmission>(),
            new UpstreamAnswerer(sp.GetRequiredService<EndpointFailover>(), options, sp.GetRequiredService<ILogger<UpstreamAnswerer>>()),
            sp.GetRequiredService<CoinLedger>(),
            sp.GetRequiredService<UsageSignals>(),
            sp.GetRequiredService<UnidentifiedCalls>(),
            sp.GetRequiredService<GatewayMetrics>(),
            sp.GetRequiredService<ModelCallStats>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ModelCalls>>()));
        return services;
    }
}
