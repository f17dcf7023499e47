using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Gateway;
using Lumen.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Notifications;

/// <summary>
/// The portal on a loopback port in front of a fake upstream (the gateway tests' config), sending notifications through
/// <paramref name="smtp"/> every 0.2 s (of <paramref name="clock"/>, if given), with <c>https://lumen.example.org/</c> as its public address for links.
/// </summary>
internal sealed class NotifyingHost(TestSmtpServer smtp, DatabaseOptions? database = null, TimeProvider? clock = null) : TestHost(new TestHostOptions
{
    Clock = clock,
    Kestrel = true,
    Upstream = true,
    Database = database,
    Config = host => GatewayConfig.Yaml(host.Upstream),
    Settings = [.. smtp.Settings(), ("Notifications:SendIntervalSeconds", "0.2"), ("Lumen:PublicBaseUrl", "https://lumen.example.org")],
})
{
    public const string PublicBase = "https://lumen.example.org/";

    /// <summary>A background service of the portal's, to run one of its rounds now (a fake clock never wakes it).</summary>
    public T Background<T>() => Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<T>().Single();

    public async Task<IReadOnlyList<Lumen.Infrastructure.Notifications.OutboxRow>> OutboxAsync()
    {
        await using var db = await DbAsync();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.Outbox);
    }
}
