using Lumen.Infrastructure.Gateway;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Lumen.Portal.Operations;

/// <summary>What an operator runs the portal with (§19): probes, metrics, JSON logs and a graceful stop.</summary>
public static class OperationsSetup
{
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";

    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        // One JSON object a line for a log shipper; messages carry no key, upstream key, prompt or answer.
        if (!builder.Environment.IsDevelopment())
            builder.Logging.AddJsonConsole(o => { o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; });
        builder.Services.AddReadinessChecks(redis: Lumen.Infrastructure.Redis.RedisSettings.FromConfiguration(builder.Configuration) is not null);
        builder.Services.AddTelemetry(MetricsOptions.FromConfiguration(builder.Configuration));
        builder.Services.AddSingleton<PortalMetrics>();
        var (delay, drain) = ShutdownDrain.FromConfiguration(builder.Configuration, builder.Environment);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = delay + drain);
        builder.Services.AddSingleton<IHostedService>(new ShutdownDrain(delay));
        return builder;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        // Made now, not on first use, so it hears the watcher's first reload.
        app.Services.GetRequiredService<PortalMetrics>();
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks(ReadinessPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(Readiness.Tag),
            ResponseWriter = Readiness.WriteAsync,
        }).AllowAnonymous();
        app.MapTelemetry();
        return app;
    }
}
