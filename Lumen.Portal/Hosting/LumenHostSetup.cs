using Lumen.Infrastructure;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Persistence;
using Lumen.Portal.Config;

namespace Lumen.Portal.Hosting;

/// <summary>What the server and the command line share: config file, database, secrets and use cases (§13: "exactly as the server does").</summary>
public static class LumenHostSetup
{
    /// <summary>The configuration sources both modes read, with <c>--config PATH</c> mapped to <c>Lumen:ConfigPath</c>.</summary>
    public static void AddCommandLineSwitches(IConfigurationBuilder configuration, string[] args) =>
        configuration.AddCommandLine(args, ConfigPathSetting.SwitchMappings);

    public static IServiceCollection AddLumen(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddLumenConfig();
        services.AddLumenCore(DatabaseOptions.FromConfiguration(configuration));
        services.AddSingleton(_ => new ApiKeyHasher(
            ApiKeySecret.Resolve(configuration, environment.IsDevelopment(), Path.GetFullPath("data"))));
        return services;
    }
}
