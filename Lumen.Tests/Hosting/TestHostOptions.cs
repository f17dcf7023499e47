using Lumen.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lumen.Tests.Hosting;

/// <summary>How a <see cref="TestHost"/> runs the portal. The defaults: the in-memory test server, Development, a SQLite
/// file in the host's temp folder, a minimal config.</summary>
public sealed record TestHostOptions
{
    /// <summary>Kestrel on a free loopback port (browsers, the SDK, other processes reach it), not the in-memory server.</summary>
    public bool Kestrel { get; init; }

    /// <summary>A database of the test's (PostgreSQL, usually); null for a SQLite file of the host's own.</summary>
    public DatabaseOptions? Database { get; init; }

    /// <summary>The config file's text at start; the host is given so a config can name its fake upstream.</summary>
    public Func<TestHost, string> Config { get; init; } = _ => new TestConfig().Admins(TestHost.Admin).ToString();

    /// <summary>Settings on top of the host's own (key and value, as <c>UseSetting</c> takes them).</summary>
    public IReadOnlyList<(string Key, string Value)> Settings { get; init; } = [];

    /// <summary>The clock every part of the portal reads (a FakeTimeProvider, say); null for the system clock.</summary>
    public TimeProvider? Clock { get; init; }

    public string Environment { get; init; } = "Development";

    /// <summary>Registrations after the portal's own (they win).</summary>
    public Action<IServiceCollection>? Services { get; init; }

    /// <summary>Start a <see cref="FakeUpstream"/> before the config is written, for proxied models.</summary>
    public bool Upstream { get; init; }

    /// <summary>Sign in through an OpenID Connect provider at this issuer instead of the development page.</summary>
    public Uri? OidcIssuer { get; init; }

    /// <summary>The lowest level <see cref="TestHost.Logs"/> keeps; null keeps everything.</summary>
    public LogLevel? LogsFrom { get; init; }
}
