using System.Globalization;

namespace Lumen.Bench.ClientsScale;

/// <summary>The config file of a run: one admin, the dummy model, a default entry and the named entry <c>research-bot</c>.</summary>
internal static class BenchConfig
{
    public const string Admin = "admin@example.org";
    public const string NamedClient = "research-bot";

    /// <summary>A manager of about 1% of the clients, and one of a handful.</summary>
    public const string BusyManager = "busy.manager@example.org";
    public const string LightManager = "light.manager@example.org";

    public const decimal DefaultMax = 100m;
    public const decimal NamedMax = 500m;

    public static string Yaml(decimal defaultMax = DefaultMax, decimal namedMax = NamedMax) => string.Create(CultureInfo.InvariantCulture, $$"""
        admins: [{{Admin}}]
        models:
          - name: dummy
            input_cost_per_million: 1.0
            output_cost_per_million: 2.0
        clients:
          default:
            max: {{defaultMax:0.0#####}}
            refresh: 0.05
            starting: 100.0
            model_access:
              default: blacklist
              whitelist: [dummy]
          {{NamedClient}}:
            max: {{namedMax:0.0#####}}
            refresh: 1.0
            starting: 500.0
            model_access: {default: whitelist}
        """);
}
