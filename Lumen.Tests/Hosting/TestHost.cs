using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Browser;
using Lumen.Tests.Gateway;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Lumen.Tests.Hosting;

/// <summary>
/// The one way a test runs the portal in its own process: in the in-memory test server or on Kestrel at a loopback
/// port, over a SQLite file in a temp folder of its own or a database of the test's, with its config file there too
/// (<see cref="TestHostOptions"/>). Fixtures pass options to it; tests speak to it through intent methods
/// (<c>TestHost.Intents.cs</c>, <c>TestHost.SignIn.cs</c>).
/// </summary>
public partial class TestHost(TestHostOptions? options = null) : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Admin = "admin@example.org";

    /// <summary>The server secret every test host shares.</summary>
    public const string ApiKeySecret = "test-host-secret-0123456789abcdefghijklmnopq";

    private readonly string _dir = Directory.CreateTempSubdirectory("lumen-host-").FullName;
    private bool _disposed;

    public TestHostOptions Options { get; } = options ?? new();

    /// <summary>The host's temp folder: its config file and, unless given a database, its SQLite file.</summary>
    public string Folder => _dir;

    public string ConfigPath => Path.Combine(_dir, "config.yaml");

    public string ConnectionString => Options.Database?.ConnectionString ?? $"Data Source={Path.Combine(_dir, "lumen.db")}";

    /// <summary>Kestrel: http://127.0.0.1:PORT/ (OIDC redirect URIs are registered with this host); in memory: the test server's.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>With <see cref="TestHostOptions.Upstream"/>: the fake upstream the config's proxied models point at.</summary>
    public FakeUpstream Upstream { get; private set; } = null!;

    /// <summary>What the portal logged (from <see cref="TestHostOptions.LogsFrom"/> up).</summary>
    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    public virtual async Task InitializeAsync()
    {
        if (Options.Upstream) Upstream = await FakeUpstream.StartAsync();
        await File.WriteAllTextAsync(ConfigPath, Options.Config(this));
        if (Options.Kestrel)
        {
            UseKestrel(0);
            StartServer();
            var address = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
                .Addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)));
            BaseAddress = new Uri($"http://127.0.0.1:{address.Port}/");
        }
        else
        {
            BaseAddress = Server.BaseAddress;
        }
        await SeedAsync();
    }

    /// <summary>Runs once the portal serves: subclasses seed clients, managers and usage here.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    /// <summary>Runs before the portal stops: subclasses stop what they started beside it.</summary>
    protected virtual Task StoppingAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // A host started without InitializeAsync (by CreateClient) writes its config now.
        if (!File.Exists(ConfigPath)) File.WriteAllText(ConfigPath, Options.Config(this));
        builder.UseEnvironment(Options.Environment);
        builder.UseSetting("Lumen:ConfigPath", ConfigPath);
        builder.UseSetting("ConnectionStrings:Lumen", ConnectionString);
        if (Options.Database is { } database) builder.UseSetting("Database:Provider", database.Provider.ToString());
        builder.UseSetting("Lumen:ApiKeySecret", ApiKeySecret);
        if (Options.OidcIssuer is { } issuer)
        {
            builder.UseSetting("Oidc:Authority", issuer.ToString());
            builder.UseSetting("Oidc:ClientId", OidcProviderProcess.ClientId);
            builder.UseSetting("Oidc:ClientSecret", OidcProviderProcess.ClientSecret);
            builder.UseSetting("Oidc:RequireHttpsMetadata", "false");
        }
        foreach (var (key, value) in Options.Settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services =>
        {
            services.AddLogging(logging => logging.AddFakeLogging(o =>
            {
                if (Options.LogsFrom is { } lowest)
                    o.FilteredLevels = Enum.GetValues<LogLevel>().Where(l => l >= lowest && l != LogLevel.None).ToHashSet();
            }));
            // A fixed clock, when a test needs one, for every part of the portal (the gateway, the ledger, the queries).
            if (Options.Clock is { } clock) services.AddSingleton(clock);
            Options.Services?.Invoke(services);
        });
    }

    /// <summary>
    /// A second portal over this one's config file and database with <paramref name="settings"/> on top, started on
    /// first use and stopped with this host: what a restart with other settings would run.
    /// </summary>
    public WebApplicationFactory<Program> WithSettings(params (string Key, string Value)[] settings) =>
        WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
        });

    public override async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await StoppingAsync();
        await base.DisposeAsync();
        if (Upstream is not null) await Upstream.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a late writer: the temp folder is left for the OS to clean.
        }
        GC.SuppressFinalize(this);
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
