using Lumen.Infrastructure.Config;
namespace Lumen.Portal.Config;

public static class ConfigServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ConfigState"/>, loading the file named by <see cref="ConfigPathSetting"/> on first use.</summary>
    public static IServiceCollection AddLumenConfig(this IServiceCollection services)
    {
        // Resolved from the built container, so settings added by tests (WebApplicationFactory) are seen.
        services.AddSingleton(sp =>
        {
            var path = ConfigPathSetting.Resolve(
                sp.GetRequiredService<IConfiguration>(),
                sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            return ConfigState.Load(path, sp.GetService<TimeProvider>());
        });
        return services;
    }
}
