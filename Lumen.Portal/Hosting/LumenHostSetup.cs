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

    /// <summary>
    /// Why the server must not start, in one line, or null: outside Development, a missing or short
    /// <c>Lumen:ApiKeySecret</c> would fail every call later, so it stops the start instead.
    /// </summary>
    public static string? StartRefusal(IConfiguration configuration, IHostEnvironment environment)
    {
        try
        {
            ApiKeySecret.Resolve(configuration, environment.IsDevelopment(), DataFolder);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return "Lumen Portal cannot start: " + e.Message;
        }
    }

    private static string DataFolder => Path.GetFullPath("data");

    public static IServiceCollection AddLumen(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddLumenConfig();
        services.AddLumenCore(DatabaseOptions.FromConfiguration(configuration));
        services.AddSingleton(_ => new ApiKeyHasher(
            ApiKeySecret.Resolve(configuration, environment.IsDevelopment(), DataFolder)));
        return services;
    }
}
