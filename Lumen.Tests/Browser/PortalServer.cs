using System.Net.Http.Json;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Managers;
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

namespace Lumen.Tests.Browser;

/// <summary>
/// The portal as a person meets it: Kestrel on a loopback port in the Development environment, with its own config
/// file and SQLite database in a temp folder. Subclasses seed data (through the same use cases the command line
/// uses, acting as <see cref="Actor.Cli"/>) and may turn on a real OpenID Connect provider.
/// </summary>
public class PortalServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lumen-browser-").FullName;
    private HttpClient? _http;

    /// <summary>Where browsers go: http://127.0.0.1:PORT/ (the OIDC redirect URIs are registered with this host).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public string ConfigPath => Path.Combine(_dir, "config.yaml");

    /// <summary>The config file the portal starts with.</summary>
    protected virtual string InitialConfig => BrowserConfig.Yaml();

    /// <summary>Set by a subclass to sign in through an OpenID Connect provider at this issuer instead of the dev page.</summary>
    protected virtual Uri? OidcAuthority => null;

    /// <summary>Runs once the portal listens: seed clients, managers and usage here.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(ConfigPath, InitialConfig);
        UseKestrel(0);
        StartServer();
        var address = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)));
        BaseAddress = new Uri($"http://127.0.0.1:{address.Port}/");
        _http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        await SeedAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Lumen:ConfigPath", ConfigPath);
        builder.UseSetting("ConnectionStrings:Lumen", $"Data Source={Path.Combine(_dir, "lumen.db")}");
        builder.UseSetting("Lumen:ApiKeySecret", "browser-tests-secret-0123456789abcdefghijklmnop");
        if (OidcAuthority is { } authority)
        {
            builder.UseSetting("Oidc:Authority", authority.ToString());
            builder.UseSetting("Oidc:ClientId", OidcProviderProcess.ClientId);
            builder.UseSetting("Oidc:ClientSecret", OidcProviderProcess.ClientSecret);
            builder.UseSetting("Oidc:RequireHttpsMetadata", "false");
        }
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureServices(services => services.AddLogging(logging => logging.AddFakeLogging()));
    }

    /// <summary>Every entry the portal has logged at Warning or above.</summary>
    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    /// <summary>Saves the config file in place, as an editor does; the portal's watcher applies it.</summary>
    public Task WriteConfigAsync(string yaml) => File.WriteAllTextAsync(ConfigPath, yaml);

    /// <summary>Applies the file now, as the watcher does on a save (for seeding; tests of liveness rely on the watcher).</summary>
    public Task ReloadConfigAsync() => Services.GetRequiredService<ConfigWatcher>().ReloadAsync();

    public async Task CreateClientAsync(string name, params string[] managers)
    {
        (await Services.GetRequiredService<ClientService>().CreateAsync(Actor.Cli, name)).Unwrap();
        foreach (var manager in managers)
            (await Services.GetRequiredService<ManagerService>().AddAsync(Actor.Cli, name, manager)).Unwrap();
    }

    public async Task SetActiveAsync(string name, bool active) =>
        (await Services.GetRequiredService<ClientService>().SetActiveAsync(Actor.Cli, name, active)).Unwrap();

    /// <summary>A new API key of the client, in full.</summary>
    public async Task<string> CreateKeyAsync(string client) =>
        (await Services.GetRequiredService<ApiKeyService>().CreateAsync(Actor.Cli, client, "browser-tests")).Unwrap().FullKey;

    /// <summary>Sets a client's counters and creation time straight in the database (static data for a page about to load).</summary>
    public async Task SetUsageAsync(string client, long requests, long inputTokens, long outputTokens, decimal coinsSpent, DateTime? createdAt = null)
    {
        await using var db = await DbAsync();
        var id = await db.Clients.Where(c => c.Name == client).Select(c => c.Id).SingleAsync();
        var micros = (long)(coinsSpent * 1_000_000m);
        await db.CoinPools.Where(p => p.ClientId == id).ExecuteUpdateAsync(p => p
            .SetProperty(x => x.Requests, requests)
            .SetProperty(x => x.InputTokens, inputTokens)
            .SetProperty(x => x.OutputTokens, outputTokens)
            .SetProperty(x => x.CoinsSpentMicros, micros));
        if (createdAt is { } at)
            await db.Clients.Where(c => c.Id == id).ExecuteUpdateAsync(c => c.SetProperty(x => x.CreatedAt, at));
    }

    /// <summary>One call of the built-in <c>dummy</c> model through the gateway, as a client program makes it.</summary>
    public async Task CallDummyModelAsync(string key, string prompt = "Hello from a browser test")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "dummy", messages = new[] { new { role = "user", content = prompt } } }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await _http!.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    public async Task<PoolSnapshotRow> PoolAsync(string client)
    {
        await using var db = await DbAsync();
        return await db.Clients.Where(c => c.Name == client)
            .Select(c => new PoolSnapshotRow(c.Pool.Requests, c.Pool.InputTokens + c.Pool.OutputTokens, c.Pool.CoinsSpentMicros))
            .SingleAsync();
    }

    public async Task<long> TotalRequestsAsync()
    {
        await using var db = await DbAsync();
        return await db.CoinPools.SumAsync(p => p.Requests);
    }

    public async Task<bool> ClientExistsAsync(string name)
    {
        await using var db = await DbAsync();
        return await db.Clients.AnyAsync(c => c.Name == name);
    }

    public async Task<int> ClientCountAsync()
    {
        await using var db = await DbAsync();
        return await db.Clients.CountAsync();
    }

    /// <summary>
    /// The command line as an operator runs it: a process of its own over this portal's database and config file.
    /// </summary>
    public Task<(int Exit, string Stdout, string Stderr)> RunCommandLineAsync(params string[] args)
    {
        var start = Lumen.Tests.Portal.PortalProcess.StartInfo(_dir, args);
        start.Environment["ConnectionStrings__Lumen"] = $"Data Source={Path.Combine(_dir, "lumen.db")}";
        start.Environment["Lumen__ConfigPath"] = ConfigPath;
        return Lumen.Tests.Portal.PortalProcess.RunAsync(start);
    }

    internal async Task<LumenDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<LumenDbContext>>().CreateDbContextAsync();

    /// <summary>Runs before the portal stops: subclasses stop what they started beside it.</summary>
    protected virtual Task StoppingAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await StoppingAsync();
        _http?.Dispose();
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a late writer: the temp folder is left for the OS to clean.
        }
    }
}

/// <summary>A client's usage counters as the database holds them.</summary>
public sealed record PoolSnapshotRow(long Requests, long Tokens, long CoinsSpentMicros);
