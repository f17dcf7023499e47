using System.Diagnostics.Metrics;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Gateway.Upstream;
using Lumen.Infrastructure.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Gateway.Capacity;

internal static class CapacityServices
{
    /// <summary>
    /// §20's capacity and fair queue (bounds: a <see cref="CapacityOptions"/> registered before, else the defaults); with
    /// a <see cref="RedisConnection"/> registered, slots are counted over every instance.
    /// </summary>
    public static IServiceCollection AddEndpointCapacity(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetService<RedisConnection>() is { } redis
            ? new SharedSlots(redis, Options(sp), sp.GetRequiredService<ILogger<SharedSlots>>())
            : null!);
        services.AddSingleton<IHostedService>(sp => (IHostedService?)sp.GetService<SharedSlots>() ?? new NothingToRenew());
        services.AddSingleton(sp =>
        {
            var capacity = new EndpointCapacity(sp.GetRequiredService<EndpointRouter>(), sp.GetService<SharedSlots>(), Options(sp),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EndpointCapacity>>());
            capacity.Metrics = new CapacityMetrics(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<ConfigState>(),
                sp.GetRequiredService<EndpointHealth>(), capacity.Waiting);
            return capacity;
        });
        services.AddSingleton(sp => sp.GetRequiredService<EndpointCapacity>().Metrics);
        return services;
    }

    private static CapacityOptions Options(IServiceProvider sp) => sp.GetService<CapacityOptions>() ?? CapacityOptions.Default;

    /// <summary>Without Redis there are no shared leases to renew.</summary>
    private sealed class NothingToRenew : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
