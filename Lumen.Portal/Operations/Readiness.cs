using System.Text.Json;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Domain.Text;
using Lumen.Infrastructure.Redis;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lumen.Portal.Operations;

/// <summary>
/// <c>/readyz</c> (§19): ready when the database answers, its migrations are applied, a good config is in force, the
/// API-key secret is loaded and the instance is not shutting down. The answer names each check and its status; it never
/// carries an exception's text (a connection string's host, say) or client data, since anyone may ask.
/// </summary>
public static class Readiness
{
    public const string Tag = "ready";
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddReadinessChecks(this IServiceCollection services, bool redis = false)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: [Tag])
            .AddCheck<MigrationsCheck>("migrations", tags: [Tag])
            .AddCheck<ConfigCheck>("config", tags: [Tag])
            .AddCheck<SecretCheck>("api_key_secret", tags: [Tag])
            .AddCheck<ShutdownCheck>("shutdown", tags: [Tag]);
        // Degraded, never Unhealthy (still 200): without Redis an instance serves, its views just hear of other
        // instances' changes through the database, within 5 seconds.
        if (redis) checks.AddCheck<RedisCheck>("redis", failureStatus: HealthStatus.Degraded, tags: [Tag]);
        services.Configure<HealthCheckServiceOptions>(o =>
        {
            foreach (var check in o.Registrations) check.Timeout = CheckTimeout;
        });
        return services;
    }

    /// <summary>The JSON body: overall status, the failing checks by name, and every check's status.</summary>
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            failing = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Key).ToArray(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                // Our own descriptions only: an exception's message may name hosts and ports.
                description = e.Value.Exception is null ? e.Value.Description : "the check failed (details are in the log)",
            }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body), http.RequestAborted);
    }

    /// <summary>
    /// Healthy when the database answers a query. A failure is the provider's exception, which the health check service
    /// reports as Unhealthy with it attached (so <see cref="WriteAsync"/> keeps its text out of the answer).
    /// </summary>
    private sealed class DatabaseCheck(LumenDatabase database) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            await database.PingAsync(ct);
            return HealthCheckResult.Healthy();
        }
    }

    private sealed class MigrationsCheck(LumenDatabase database) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            var pending = (await database.PendingMigrationsAsync(ct)).Count;
            return pending == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{pending} {Counted.Noun(pending, "migration", "migrations")} not applied (run init-db, or set Database:MigrateOnStartup)");
        }
    }

    private sealed class ConfigCheck(ConfigState config) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
            Task.FromResult(config.InForce is not null
                ? HealthCheckResult.Healthy(config.Latest.IsValid ? null : "the latest save was rejected; the last good config is in force")
                : HealthCheckResult.Unhealthy("no valid config has been loaded"));
    }

    private sealed class SecretCheck(IServiceProvider services) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                services.GetRequiredService<ApiKeyHasher>();
                return Task.FromResult(HealthCheckResult.Healthy());
            }
            catch (InvalidOperationException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("Lumen:ApiKeySecret is not loaded"));
            }
        }
    }

    private sealed class RedisCheck(RedisConnection redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                await (await redis.GetAsync()).GetDatabase().PingAsync();
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
            {
                return HealthCheckResult.Degraded(
                    "Redis does not answer: changes reach other instances through the database, within 5 seconds, and each instance applies max_concurrent by itself");
            }
        }
    }

    /// <summary>Not ready once SIGTERM arrived, so the balancer stops sending calls before the server stops taking them.</summary>
    private sealed class ShutdownCheck(IHostApplicationLifetime lifetime) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
            Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
                ? HealthCheckResult.Unhealthy("shutting down")
                : HealthCheckResult.Healthy());
    }
}
