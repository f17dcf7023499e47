using Lumen.Infrastructure;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Redis;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Notifications;
using Lumen.Portal.Config;

namespace Lumen.Portal.Hosting;

/// <summary>What the server and the command line share: config file, database, secrets and use cases (§13: "exactly as the server does").</summary>
public static class LumenHostSetup
{
    /// <summary>The configuration sources both modes read, with <c>--config PATH</c> mapped to <c>Lumen:ConfigPath</c>.</summary>
    public static void AddCommandLineSwitches(IConfigurationBuilder configuration, string[] args) =>
        configuration.AddCommandLine(args, ConfigPathSetting.SwitchMappings);

    private const string Refused = "Lumen Portal cannot start: ";

    /// <summary>
    /// Why the server must not start, in one line, or null: outside Development, a missing or short
    /// <c>Lumen:ApiKeySecret</c> would fail every call later, so it stops the start instead; and a config file rejected
    /// at the very first start leaves no last good config to serve with (§19).
    /// </summary>
    public static string? StartRefusal(IConfiguration configuration, IHostEnvironment environment)
    {
        try
        {
            ApiKeySecret.Resolve(configuration, environment.IsDevelopment(), DataFolder);
        }
        catch (InvalidOperationException e)
        {
            return Refused + e.Message;
        }
        var path = ConfigPathSetting.Resolve(configuration, environment.ContentRootPath);
        var config = ConfigLoader.LoadFile(path);
        if (config.IsValid) return null;
        var errors = string.Join("; ", config.Errors.Select(e => e.ToString().ReplaceLineEndings(" ")));
        return $"{Refused}the config file {path} is rejected, and there is no last good config to keep: {errors}";
    }

    /// <summary>For the process's unhandled-exception event: a <see cref="StartRefusedException"/> ends it with its one line.</summary>
    public static void ExitOnStartRefusal(object exception)
    {
        if (exception is not StartRefusedException refused) return;
        Console.Error.WriteLine(Refused + refused.Message);
        Environment.Exit(1);
    }

    private static string DataFolder => Path.GetFullPath("data");

    /// <summary>Settings read as services are set up: wrong ones stop the start with their one line.</summary>
    private static void Refusing(Action setUp)
    {
        try
        {
            setUp();
        }
        catch (InvalidOperationException e) when (e is not StartRefusedException)
        {
            throw new StartRefusedException(e.Message);
        }
    }

    public static IServiceCollection AddLumen(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddLumenConfig();
        services.AddLumenCore(DatabaseOptions.FromConfiguration(configuration));
        if (RedisSettings.FromConfiguration(configuration) is { } redis) services.AddRedisChangeRelay(redis);
        services.AddSingleton(_ => new ApiKeyHasher(
            ApiKeySecret.Resolve(configuration, environment.IsDevelopment(), DataFolder)));
        Refusing(() => services.AddNotifications(configuration, SmtpSettings.FromConfiguration(configuration)));
        return services;
    }
}
