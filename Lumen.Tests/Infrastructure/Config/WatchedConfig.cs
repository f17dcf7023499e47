using Lumen.Infrastructure;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace Lumen.Tests.Infrastructure.Config;

/// <summary>
/// The real <see cref="ConfigWatcher"/> running over a real config file in a temp folder and a real SQLite database,
/// wired by <see cref="InfrastructureServices.AddLumenCore"/> and <see cref="InfrastructureServices.AddConfigWatcher"/>
/// as the server wires it. Records every reload and every published client change, so tests await outcomes.
/// </summary>
internal sealed class WatchedConfig : IAsyncDisposable
{
    /// <summary>How long an apply may take on a loaded 2-core machine before a test gives up.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static readonly ConfigWatcherOptions FastOptions = new(TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(1));

    private readonly Lock _gate = new();
    private readonly List<ConfigReload> _reloads = [];
    private readonly List<Change> _changes = [];
    private TaskCompletionSource _next = NewSignal();
    private readonly string _folder;
    private readonly TestDatabase _database;
    private readonly bool _ownsDatabase;
    private readonly ServiceProvider _services;
    private readonly IDisposable _listening;

    private WatchedConfig(string folder, TestDatabase database, bool ownsDatabase, ServiceProvider services)
    {
        _folder = folder;
        _database = database;
        _ownsDatabase = ownsDatabase;
        _services = services;
        Watcher = services.GetRequiredService<ConfigWatcher>();
        Watcher.Reloaded += OnReloaded;
        _listening = services.GetRequiredService<ChangeFeed>().Subscribe(ChangeViewer.Portal, null, OnChanged);
    }

    public string Path => System.IO.Path.Combine(_folder, "config.yaml");
    public ConfigWatcher Watcher { get; }
    public FakeLogCollector Logs => _services.GetFakeLogCollector();
    public ConfigState State => _services.GetRequiredService<ConfigState>();
    public ConfigSync Sync => _services.GetRequiredService<ConfigSync>();
    public ChangeFeed Feed => _services.GetRequiredService<ChangeFeed>();
    public Lumen.Infrastructure.Audit.AuditService Audit => _services.GetRequiredService<Lumen.Infrastructure.Audit.AuditService>();
    public ClientService Clients => _services.GetRequiredService<ClientService>();
    public CoinLedger Ledger => _services.GetRequiredService<CoinLedger>();
    public IDbContextFactory<LumenDbContext> Contexts => _services.GetRequiredService<IDbContextFactory<LumenDbContext>>();

    /// <summary>
    /// Writes <paramref name="yaml"/>, starts the watcher and waits for its first apply. Given a
    /// <paramref name="database"/>, it is another instance over that database (which the caller disposes).
    /// </summary>
    public static async Task<WatchedConfig> StartAsync(
        string yaml, ConfigWatcherOptions? options = null, TimeProvider? clock = null, TestDatabase? database = null)
    {
        var folder = Directory.CreateTempSubdirectory("lumen-watch-").FullName;
        var path = System.IO.Path.Combine(folder, "config.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var owns = database is null;
        database ??= await SqliteDatabase.CreateAsync();
        var services = new ServiceCollection()
            .AddLogging()
            .AddFakeLogging()
            .AddSingleton(clock ?? TimeProvider.System)
            .AddLumenCore(database.Options)
            .AddSingleton(ConfigState.Load(path))
            .AddConfigWatcher(options ?? FastOptions)
            .BuildServiceProvider();
        var watched = new WatchedConfig(folder, database, owns, services);
        await watched.Watcher.StartAsync(CancellationToken.None);
        var first = await watched.ReloadAfterAsync(0);
        first.Sync.Should().NotBeNull("the watcher applies the file it finds at start");
        return watched;
    }

    /// <summary>How many reloads have been seen so far: pass it to <see cref="ReloadAfterAsync"/> before a save.</summary>
    public int Mark
    {
        get { lock (_gate) return _reloads.Count; }
    }

    public IReadOnlyList<ConfigReload> ReloadsSince(int mark)
    {
        lock (_gate) return _reloads.Skip(mark).ToList();
    }

    public IReadOnlyList<Change> ChangesFor(string client)
    {
        lock (_gate) return _changes.Where(c => c.Client == client).ToList();
    }

    /// <summary>The first reload after <paramref name="mark"/> that matches (any, by default), within <see cref="Patience"/>.</summary>
    public async Task<ConfigReload> ReloadAfterAsync(int mark, Func<ConfigReload, bool>? match = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            Task next;
            lock (_gate)
            {
                var found = _reloads.Skip(mark).FirstOrDefault(r => match?.Invoke(r) ?? true);
                if (found is not null) return found;
                next = _next.Task;
            }
            var remaining = deadline - DateTime.UtcNow;
            var reloaded = remaining > TimeSpan.Zero && await Task.WhenAny(next, Task.Delay(remaining)) == next;
            reloaded.Should().BeTrue($"the watcher should have reloaded {Path} within {Patience.TotalSeconds} s " +
                $"(reloads since the mark: {ReloadsSince(mark).Count})");
        }
    }

    /// <summary>Saves in place, the way most editors and <c>echo &gt;</c> do.</summary>
    public Task SaveAsync(string yaml) => File.WriteAllTextAsync(Path, yaml);

    /// <summary>Saves the way vim and many editors do: a temporary file renamed over the original.</summary>
    public async Task SaveByRenameAsync(string yaml)
    {
        var temp = Path + ".tmp";
        await File.WriteAllTextAsync(temp, yaml);
        File.Move(temp, Path, overwrite: true);
    }

    /// <summary>A client created by the operator, read back as stored.</summary>
    public async Task<ClientRow> CreateClientAsync(string name)
    {
        var created = (await Clients.CreateAsync(Actor.Cli, name)).Unwrap();
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.Clients.AsNoTracking().SingleAsync(c => c.Name == created.Name);
    }

    public async Task<PoolSnapshot> PoolAsync(ClientRow client) =>
        (await Ledger.GetPoolAsync(client.Id)) ?? throw new InvalidOperationException($"{client.Name} has no pool.");

    public async Task<PoolSnapshot> PoolAsync(ClientInfo client)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await PoolAsync(await db.Clients.AsNoTracking().SingleAsync(c => c.Name == client.Name));
    }

    public async ValueTask DisposeAsync()
    {
        await Watcher.StopAsync(CancellationToken.None);
        Watcher.Reloaded -= OnReloaded;
        _listening.Dispose();
        await _services.DisposeAsync();
        if (_ownsDatabase) await _database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private void OnReloaded(ConfigReload reload)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _reloads.Add(reload);
            signal = _next;
            _next = NewSignal();
        }
        signal.SetResult();
    }

    private void OnChanged(IReadOnlyList<Change> changes)
    {
        lock (_gate) _changes.AddRange(changes);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// The system clock, except that a flow marked with <see cref="HoldHere"/> stops at its next reading until
/// <see cref="Release"/>: it lets a test freeze a use case at a known point while the watcher works.
/// </summary>
internal sealed class HoldingClock : TimeProvider, IDisposable
{
    private readonly AsyncLocal<bool> _held = new();
    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the marked flow has reached the clock and is waiting.</summary>
    public Task Reached => _reached.Task;

    public void HoldHere() => _held.Value = true;

    public void Release() => _release.Set();

    public override DateTimeOffset GetUtcNow()
    {
        if (_held.Value)
        {
            _held.Value = false;
            _reached.TrySetResult();
            _release.Wait(WatchedConfig.Patience).Should().BeTrue("the test releases the held flow");
        }
        return System.GetUtcNow();
    }

    public void Dispose() => _release.Dispose();
}

/// <summary>Config files for the watcher tests; <c>clients:</c> is always on line 6, so error positions are known.</summary>
internal static class WatchedYaml
{
    public const int ClientsLine = 6;

    public static string With(string clients) => $"""
        admins: [admin@example.org]
        models:
          - name: dummy
            input_cost_per_million: 0.0
            output_cost_per_million: 0.0
        clients:
        {clients}
        """;

    /// <summary>A default entry without refill, so balances stay put while a test runs.</summary>
    public static string Default(int max, int starting = 100, string refreshKey = "refresh") => With($"""
          default:
            max: {max}
            {refreshKey}: 0
            starting: {starting}
            model_access:
              default: blacklist
              whitelist: [dummy]
        """);
}
