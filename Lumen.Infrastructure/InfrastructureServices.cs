using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Consent;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.Redis;
using Lumen.Infrastructure.UsageCharts;
using Lumen.Infrastructure.Managers;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.RequestLog;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lumen.Infrastructure;

public static class InfrastructureServices
{
    /// <summary>
    /// The database, the use-case services and the change feed. The caller registers <see cref="ConfigState"/>
    /// and an <see cref="ApiKeyHasher"/> (their inputs come from the host: paths, environment, secrets).
    /// </summary>
    public static IServiceCollection AddLumenCore(this IServiceCollection services, DatabaseOptions database)
    {
        services.AddLumenDatabase(database);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<ClientAccess>();
        services.AddSingleton<ClientService>();
        services.AddSingleton<ClientTotalsCache>();
        services.AddSingleton<ClientDirectory>();
        services.AddSingleton<ClientDetailsQuery>();
        services.AddSingleton<UsageBoard>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<KeyVerifier>();
        services.AddSingleton<ManagerService>();
        services.AddSingleton<ConsentService>();
        services.AddSingleton(sp => new CoinLedger(
            sp.GetRequiredService<IDbContextFactory<LumenDbContext>>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<IMeterFactory>()));
        services.AddSingleton<ConfigSync>();
        services.AddSingleton<AuditService>();
        services.AddSingleton<RequestLogService>();
        return services;
    }

    /// <summary>Adds the config file watcher as a hosted service (the server; not the command line).</summary>
    public static IServiceCollection AddConfigWatcher(this IServiceCollection services, ConfigWatcherOptions? options = null)
    {
        services.AddSingleton(options ?? ConfigWatcherOptions.Default);
        services.AddSingleton<ConfigWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigWatcher>());
        return services;
    }

    /// <summary>Deletes request-log rows older than the retention, in the background (the server; not the command line).</summary>
    public static IServiceCollection AddRequestLogRetention(this IServiceCollection services, RequestLogRetentionOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<RequestLogRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<RequestLogRetention>());
        return services;
    }

    /// <summary>
    /// Reads the change journal, so that open views hear of changes other processes made (the command line, another
    /// instance) within a few seconds (§18). The server's; the command line only writes to it.
    /// </summary>
    public static IServiceCollection AddChangeJournalReader(this IServiceCollection services, ChangeJournalOptions? options = null)
    {
        services.AddSingleton(options ?? ChangeJournalOptions.Default);
        services.AddSingleton<ChangeJournalReader>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeJournalReader>());
        return services;
    }

    /// <summary>
    /// With Redis configured, the change feed also publishes each batch there (the server and the command line alike);
    /// <see cref="AddRedisChangeListener"/> is the server's side that receives them.
    /// </summary>
    public static IServiceCollection AddRedisChangeRelay(this IServiceCollection services, RedisSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<RedisConnection>();
        services.AddSingleton<RedisChangeRelay>();
        return services;
    }

    /// <summary>Delivers other instances' batches from Redis to this one's feed (after <see cref="AddRedisChangeRelay"/>).</summary>
    public static IServiceCollection AddRedisChangeListener(this IServiceCollection services)
    {
        services.AddHostedService<RedisChangeListener>();
        return services;
    }
}
