using Lumen.Infrastructure.Gateway;
using Lumen.Infrastructure.Ledger;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Lumen.Portal.Operations;

/// <summary>
/// <c>/metrics</c> (§19): Prometheus text from OpenTelemetry, with our meters and the ASP.NET Core, HttpClient and
/// runtime instruments. With <c>Metrics:Enabled=false</c> nothing listens and <c>/metrics</c> does not exist.
/// </summary>
public static class Telemetry
{
    public const string Path = "/metrics";

    public static IServiceCollection AddTelemetry(this IServiceCollection services, MetricsOptions options)
    {
        services.AddSingleton(options);
        if (!options.Enabled) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("lumen-portal"))
            .WithMetrics(m => m
                .AddMeter(GatewayMetrics.MeterName, CoinLedger.MeterName, PortalMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        return services;
    }

    public static void MapTelemetry(this WebApplication app)
    {
        if (app.Services.GetRequiredService<MetricsOptions>().Enabled)
            app.MapPrometheusScrapingEndpoint(Path).AllowAnonymous();
    }
}
