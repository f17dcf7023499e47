using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Lumen.Portal.Hosting;

/// <summary>
/// Behind a TLS-terminating proxy (§18): <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c> are believed only from
/// the addresses in <c>ForwardedHeaders:KnownProxies</c> and the networks in <c>ForwardedHeaders:KnownNetworks</c>
/// (a list, or one comma-separated value), so sign-in callbacks and cookies use the public scheme and host. With
/// neither set, forwarded headers are ignored: anyone could send them.
/// </summary>
public static class KnownProxies
{
    private sealed record Marker;

    public static IServiceCollection AddKnownProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = Values(configuration.GetSection("ForwardedHeaders:KnownProxies")).Select(p => Parse<IPAddress>(p, Address, "KnownProxies")).ToList();
        var networks = Values(configuration.GetSection("ForwardedHeaders:KnownNetworks")).Select(n => Parse<System.Net.IPNetwork>(n, System.Net.IPNetwork.TryParse, "KnownNetworks")).ToList();
        if (proxies.Count == 0 && networks.Count == 0) return services;
        services.AddSingleton<Marker>();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // Only what the settings name: not the loopback defaults.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
        });
        return services;
    }

    /// <summary>First in the pipeline, so everything after sees the public scheme, host and client address.</summary>
    public static WebApplication UseKnownProxies(this WebApplication app)
    {
        if (app.Services.GetService<Marker>() is not null) app.UseForwardedHeaders();
        return app;
    }

    private static IEnumerable<string> Values(IConfigurationSection section) =>
        (section.Value is { } one ? one.Split(',') : section.GetChildren().Select(c => c.Value ?? ""))
        .Select(v => v.Trim()).Where(v => v.Length > 0);

    private static bool Address(string text, out IPAddress address) => IPAddress.TryParse(text, out address!);

    private delegate bool TryParse<T>(string text, out T value);

    private static T Parse<T>(string text, TryParse<T> parse, string setting) => parse(text, out var value)
        ? value
        : throw new StartRefusedException($"ForwardedHeaders:{setting} has '{text}', which is not an IP {(setting == "KnownProxies" ? "address" : "network (address/prefix)")}.");
}
