using Lumen.Portal.Clients;
using Lumen.Tests.Browser;
using Lumen.Tests.Hosting;
using Lumen.Tests.Infrastructure.Databases;
using Lumen.Tests.Portal.Site;
using Lumen.Infrastructure.Persistence;
using Microsoft.AspNetCore.SignalR.Client;

namespace Lumen.Tests.Instances;

/// <summary>
/// One portal instance of a deployment (§18): Kestrel on a loopback port, over the shared PostgreSQL database and,
/// when given, the shared Redis; its own config file (the same text as the others').
/// </summary>
public sealed class InstancePortal(string connectionString, string? redis, params (string Key, string Value)[] settings)
    : PortalServer(oidcIssuer: null, new DatabaseOptions(DatabaseProviderKind.PostgreSQL, connectionString),
        [.. redis is null ? [] : new[] { ("Redis:Configuration", redis) }, .. settings]);

/// <summary>
/// Two portal instances, A and B, over one throwaway PostgreSQL database and one throwaway Debian redis-server (or none),
/// all on free loopback ports and all stopped on dispose; a client <see cref="Client"/> with a key, made on A.
/// </summary>
public class TwoInstances : IAsyncLifetime
{
    public const string Client = "shared-bot";

    private readonly bool _withRedis;
    private PostgresServer? _postgres;
    private TestDatabase? _database;

    public TwoInstances() : this(withRedis: true)
    {
    }

    protected TwoInstances(bool withRedis) => _withRedis = withRedis;

    public RedisServer? Redis { get; private set; }

    public InstancePortal A { get; private set; } = null!;

    public InstancePortal B { get; private set; } = null!;

    /// <summary>With Redis: a third instance that reads the journal only once an hour, so what it hears came through Redis.</summary>
    public InstancePortal? RedisOnly { get; private set; }

    public string Key { get; private set; } = "";

    public string ConnectionString => _database!.Options.ConnectionString;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartThrowawayAsync();
        _database = await _postgres.CreateDatabaseAsync();
        if (_withRedis) Redis = await RedisServer.StartNewAsync();
        // Only A believes forwarded headers, from loopback: the forwarded-headers test compares the two.
        A = new InstancePortal(ConnectionString, Redis?.Configuration, ("ForwardedHeaders:KnownProxies", "127.0.0.1"));
        B = new InstancePortal(ConnectionString, Redis?.Configuration);
        await A.InitializeAsync();
        await B.InitializeAsync();
        if (Redis is not null)
        {
            RedisOnly = new InstancePortal(ConnectionString, Redis.Configuration, ("Lumen:ChangePollSeconds", "3600"));
            await RedisOnly.InitializeAsync();
        }
        await A.CreateClientAsync(Client);
        Key = await A.NewKeyAsync(Client);
    }

    /// <summary>A <c>/hubs/clients</c> listener on <paramref name="host"/>, signed in as an admin on A.</summary>
    public async Task<HubListener> ListenAsync(PortalServer host)
    {
        var cookie = await A.SignInCookieAsync(BrowserConfig.Admin);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, ClientsHub.Path.TrimStart('/')), o => o.Headers["Cookie"] = cookie)
            .Build();
        return await HubListener.ListenAsync(connection);
    }

    /// <summary>The command line as an operator runs it beside the instances: same database, same Redis.</summary>
    public Task<(int Exit, string Stdout, string Stderr)> RunCommandLineAsync(params string[] args) => A.RunCommandLineAsync(args);

    public async Task DisposeAsync()
    {
        if (RedisOnly is not null) await ((IAsyncLifetime)RedisOnly).DisposeAsync();
        if (B is not null) await ((IAsyncLifetime)B).DisposeAsync();
        if (A is not null) await ((IAsyncLifetime)A).DisposeAsync();
        if (Redis is not null) await Redis.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
    }
}
