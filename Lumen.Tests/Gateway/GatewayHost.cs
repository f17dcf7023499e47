using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Sockets;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Consent;
using Lumen.Infrastructure.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpenAI;

namespace Lumen.Tests.Gateway;

/// <summary>
/// The portal on a real loopback port (Kestrel), with its own config file and SQLite database, in front of a
/// <see cref="FakeUpstream"/>. Clients and keys are made with the same use-case services the command line uses.
/// </summary>
public sealed class GatewayHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly TimeProvider? _clock;
    private readonly DatabaseOptions? _database;

    public GatewayHost()
    {
    }

    /// <summary>
    /// A host whose every part reads <paramref name="clock"/>, or on <paramref name="database"/> rather than a SQLite
    /// file of its own (not public: a collection fixture has one public constructor).
    /// </summary>
    internal GatewayHost(TimeProvider? clock = null, DatabaseOptions? database = null)
    {
        _clock = clock;
        _database = database;
    }

    /// <summary>What the portal logged at Warning and above (no stack trace is an expected answer's business).</summary>
    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    /// <summary>What a call to an upstream model costs: 100 input tokens at 0.5 and 20 output tokens at 1.5 per million.</summary>
    public const long UpstreamCallMicros = 80;

    private readonly string _dir = Directory.CreateTempSubdirectory("lumen-gateway-").FullName;
    private int _clients;

    public FakeUpstream Upstream { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public string ConfigPath => Path.Combine(_dir, "config.yaml");

    /// <summary>Writes the standard test config; <paramref name="change"/> may edit the text first (for reload tests).</summary>
    public async Task WriteConfigAsync(Func<string, string>? change = null)
    {
        var text = GatewayConfig.Yaml(Upstream, ClosedPort());
        await File.WriteAllTextAsync(ConfigPath, change is null ? text : change(text));
    }

    public async Task InitializeAsync()
    {
        Upstream = await FakeUpstream.StartAsync();
        await WriteConfigAsync();
        UseKestrel(0);
        StartServer();
        BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // A fixed clock, when a test needs one, for every part of the portal (the gateway, the ledger, the queries).
        if (_clock is not null) builder.ConfigureServices(services => services.AddSingleton(_clock));
        builder.UseSetting("Lumen:ConfigPath", ConfigPath);
        builder.UseSetting("ConnectionStrings:Lumen", _database?.ConnectionString ?? $"Data Source={Path.Combine(_dir, "lumen.db")}");
        if (_database is not null) builder.UseSetting("Database:Provider", _database.Provider.ToString());
        builder.ConfigureLogging(logging => logging.AddFakeLogging(o => o.FilteredLevels = new HashSet<LogLevel> { LogLevel.Warning, LogLevel.Error, LogLevel.Critical }));
        builder.UseSetting("Lumen:ApiKeySecret", "gateway-tests-secret-0123456789abcdefghijklmnop");
        // Short, so the slow upstream's non-streamed answer times out within a test.
        builder.UseSetting("Gateway:UpstreamTimeoutSeconds", "1");
        builder.UseSetting("Gateway:StreamIdleSeconds", "0.5");
        // Small, so an over-cap answer (FakeUpstream.HugeBytes) is quick to send; every normal answer is far below.
        builder.UseSetting("Gateway:MaxUpstreamResponseBytes", "65536");
        builder.UseSetting("Gateway:MaxRequestBytes", "1048576");
    }

    /// <summary>The official OpenAI SDK pointed at the gateway, with retries off so each call is one request.</summary>
    public OpenAIClient Sdk(string key, HttpClient? http = null)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(BaseAddress, "/v1"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromSeconds(30),
        };
        if (http is not null) options.Transport = new HttpClientPipelineTransport(http);
        return new OpenAIClient(new ApiKeyCredential(key), options);
    }

    /// <summary>A new client (unique name unless given: named entries of the config need their name) and one key.</summary>
    public async Task<TestClient> NewClientAsync(string? name = null)
    {
        name ??= $"client-{Interlocked.Increment(ref _clients)}";
        (await Services.GetRequiredService<ClientService>().CreateAsync(Actor.Cli, name)).Unwrap();
        var key = (await Services.GetRequiredService<ApiKeyService>().CreateAsync(Actor.Cli, name, "test")).Unwrap();
        await using var db = await DbAsync();
        var ids = await db.ApiKeys.Where(k => k.PublicId == key.Key.PublicId).Select(k => new { k.ClientId, k.Id }).SingleAsync();
        return new TestClient(ids.ClientId, name, key.FullKey, ids.Id, this);
    }

    /// <summary>
    /// Applies the config file now, as the watcher does on a save. When this returns the file's content is in force:
    /// if the watcher saw the save first, the call finds nothing new; if it is mid-apply, the call applies it too.
    /// </summary>
    public Task ReloadConfigAsync() => Services.GetRequiredService<ConfigWatcher>().ReloadAsync();

    internal async Task<LumenDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<LumenDbContext>>().CreateDbContextAsync();

    /// <summary>A loopback port nobody listens on: an endpoint there refuses connections.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Upstream.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>A client made for a test, its key, and ways to read what the gateway recorded for it.</summary>
public sealed record TestClient(int Id, string Name, string Key, int KeyId, GatewayHost Host)
{
    public OpenAI.Chat.ChatClient Chat(string model) => Host.Sdk(Key).GetChatClient(model);

    internal async Task<CoinPoolRow> PoolAsync()
    {
        await using var db = await Host.DbAsync();
        return await db.CoinPools.AsNoTracking().SingleAsync(p => p.ClientId == Id);
    }

    internal async Task<IReadOnlyList<RequestLogRow>> LogAsync()
    {
        await using var db = await Host.DbAsync();
        return await db.RequestLog.AsNoTracking().Where(r => r.ClientId == Id).OrderBy(r => r.Id).ToListAsync();
    }

    /// <summary>The client's hourly usage rows (§16), written in the same transaction as its log rows.</summary>
    internal async Task<IReadOnlyList<Lumen.Infrastructure.Persistence.UsageHourRow>> UsageAsync()
    {
        await using var db = await Host.DbAsync();
        return await db.UsageHours.AsNoTracking().Where(u => u.ClientId == Id).ToListAsync();
    }

    /// <summary>Waits until the request log holds <paramref name="count"/> rows (a call may be logged after its answer).</summary>
    internal async Task<IReadOnlyList<RequestLogRow>> LogAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var rows = await LogAsync();
            if (rows.Count >= count || timeout.IsCancellationRequested) return rows;
            await Task.Delay(20, CancellationToken.None);
        }
    }

    public async Task RevokeKeyAsync() =>
        (await Host.Services.GetRequiredService<ApiKeyService>().RevokeAsync(Actor.Cli, Name, Key)).Unwrap();

    public async Task SetActiveAsync(bool active) =>
        (await Host.Services.GetRequiredService<ClientService>().SetActiveAsync(Actor.Cli, Name, active)).Unwrap();

    public async Task GrantConsentAsync(string model) =>
        (await Host.Services.GetRequiredService<ConsentService>().GrantAsync(Actor.Cli, Name, model)).Unwrap();
}

[CollectionDefinition(Name)]
public sealed class GatewayTestGroup : ICollectionFixture<GatewayHost>
{
    public const string Name = "gateway";
}
