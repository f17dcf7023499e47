using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace Lumen.Tests.Operations;

/// <summary>The portal in process (Development) over a database of the test's choosing, for the probes of §19.</summary>
internal sealed class ProbeHost(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
{
    public const string Config = """
        admins: [admin@example.org]
        models:
          - name: dummy
            input_cost_per_million: 0.0
            output_cost_per_million: 0.0
        clients:
          default: {max: 10, refresh: 1, starting: 10, model_access: {default: whitelist}}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("lumen-probe-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var config = Path.Combine(_dir, "config.yaml");
        File.WriteAllText(config, Config);
        builder.UseEnvironment("Development");
        builder.UseSetting("Lumen:ConfigPath", config);
        builder.UseSetting("Lumen:ApiKeySecret", "probe-tests-secret-0123456789abcdefghijklmnop");
        builder.UseSetting("ConnectionStrings:Lumen", $"Data Source={Path.Combine(_dir, "lumen.db")}");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
