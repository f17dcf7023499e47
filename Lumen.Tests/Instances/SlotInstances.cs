using System.Diagnostics;
using System.Globalization;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Browser;
using Lumen.Tests.Gateway.Capacity;
using Lumen.Tests.Hosting;
using Lumen.Tests.Infrastructure.Databases;

namespace Lumen.Tests.Instances;

/// <summary>
/// Two portal instances, A and B, over one throwaway PostgreSQL database and one throwaway Redis, in front of model
/// servers that count their calls in flight: <c>shared</c>, <c>crash</c> and <c>outage</c>, one per test, each endpoint
/// with <c>max_concurrent: 2</c>. Slot leases last <see cref="LeaseSeconds"/>; a call waits at most
/// <see cref="QueueSeconds"/>. A third instance can be started as a process of its own, to be killed.
/// </summary>
public sealed class SlotInstances : IAsyncLifetime
{
    public const int LeaseSeconds = 2;
    public const int QueueSeconds = 15;
    public const int MaxConcurrent = 2;
    public static readonly string[] Models = ["shared", "crash", "outage"];

    private PostgresServer? _postgres;
    private TestDatabase? _database;

    public RedisServer Redis { get; private set; } = null!;
    public Dictionary<string, SlotCountingServer> Endpoints { get; } = [];
    public SlotInstance A { get; private set; } = null!;
    public SlotInstance B { get; private set; } = null!;
    public string Key { get; private set; } = "";

    public static (string, string)[] Settings => [
        ("Gateway:SlotLeaseSeconds", LeaseSeconds.ToString(CultureInfo.InvariantCulture)),
        ("Gateway:QueueSeconds", QueueSeconds.ToString(CultureInfo.InvariantCulture)),
        ("Gateway:HealthIntervalSeconds", "3600")];

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartThrowawayAsync();
        _database = await _postgres.CreateDatabaseAsync();
        Redis = await RedisServer.StartNewAsync();
        foreach (var model in Models) Endpoints[model] = await SlotCountingServer.StartAsync();
        var config = Models.Aggregate(new TestConfig().Admins(BrowserConfig.Admin),
                (c, m) => c.WithModel(m, 1, 1, new TestConfig.Endpoint(Endpoints[m].Url, MaxConcurrent: MaxConcurrent)))
            .Default(new TestConfig.Entry(Max: -2, ModelAccess: TestConfig.Access.AllModels)).ToString();
        A = new SlotInstance(_database.Options, Redis.Configuration, config);
        B = new SlotInstance(_database.Options, Redis.Configuration, config);
        await A.InitializeAsync();
        await B.InitializeAsync();
        await A.CreateClientAsync("slot-bot");
        Key = await A.NewKeyAsync("slot-bot");
    }

    /// <summary>
    /// A third instance as a process of its own over the same database, config and Redis, on a free loopback port, so a
    /// test can kill it as a crash would (no call ends, no lease is given back). Returns once it answers <c>/healthz</c>.
    /// </summary>
    public async Task<(Process Process, Uri BaseAddress)> StartProcessInstanceAsync()
    {
        var port = PostgresServer.FreeLoopbackPort();
        var start = PortalProcess.StartInfo(A.Folder);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ConnectionStrings__Lumen"] = _database!.Options.ConnectionString;
        start.Environment["Database__Provider"] = "PostgreSQL";
        start.Environment["Lumen__ConfigPath"] = A.ConfigPath;
        start.Environment["Lumen__ApiKeySecret"] = TestHost.ApiKeySecret;
        start.Environment["Redis__Configuration"] = Redis.Configuration;
        foreach (var (key, value) in Settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = PortalProcess.Start(start);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"The portal process exited with {process.ExitCode} at start.");
            try
            {
                if ((await http.GetAsync(new Uri(address, "healthz"))).IsSuccessStatusCode) return (process, address);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The portal process did not answer /healthz within 60 s.");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (B is not null) await ((IAsyncLifetime)B).DisposeAsync();
        if (A is not null) await ((IAsyncLifetime)A).DisposeAsync();
        foreach (var endpoint in Endpoints.Values) await endpoint.DisposeAsync();
        if (Redis is not null) await Redis.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
    }
}

/// <summary>One in-process instance of <see cref="SlotInstances"/>: Kestrel on a loopback port, the shared database and Redis.</summary>
public sealed class SlotInstance(DatabaseOptions database, string redis, string config)
    : PortalServer(oidcIssuer: null, database, [("Redis:Configuration", redis), .. SlotInstances.Settings])
{
    protected override string InitialConfig => config;
}
