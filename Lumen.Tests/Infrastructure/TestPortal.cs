using Lumen.Domain.Budget;
using Lumen.Infrastructure;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Consent;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Managers;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Lumen.Tests.Infrastructure;

/// <summary>
/// One portal instance over a test database, wired exactly as the host wires it (<c>AddLumenCore</c>) but with a
/// fake clock, a config parsed from text and a fixed API key secret. Two of these over one database are two
/// instances: each has its own context pool, config state and clock.
/// </summary>
public sealed class TestPortal : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The same server secret on every instance, as a deployment shares it.</summary>
    private static readonly byte[] ServerSecret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public static readonly Actor Admin = new("admin@example.org");
    public static readonly Actor Stranger = new("someone@example.org");

    /// <summary>
    /// admins is written mixed-case on purpose (§6: case-insensitive). The default entry graylists gray-model,
    /// blacklists black-model and whitelists dummy; research-bot's starting is above its max (clamped at creation).
    /// </summary>
    public const string Yaml = """
        admins: [Admin@Example.ORG]
        models:
          - name: dummy
          - name: llama3
            input_cost_per_million: 0.5
            output_cost_per_million: 1.5
          - name: gray-model
          - name: black-model
        clients:
          default:
            max: 100.0
            refresh: 0.05
            starting: 100.0
            model_access:
              default: blacklist
              blacklist: [black-model]
              whitelist: [dummy]
              graylist: [gray-model]
          research-bot:
            max: 500.0
            refresh: 1.0
            starting: 800.0
            model_access:
              default: whitelist
              blacklist: [black-model]
              graylist: [gray-model]
          all-gray:
            max: 10.0
            model_access:
              default: graylist
          ledger:
            max: 1000.0
            refresh: 0
            starting: 1000.0
            model_access:
              default: whitelist
        """;

    private readonly ServiceProvider _services;

    /// <param name="interceptor">An EF interceptor on every context of this instance (a test that fails a commit).</param>
    public TestPortal(TestDatabase database, string yaml = Yaml, IInterceptor? interceptor = null)
    {
        Clock = new FakeTimeProvider(Start);
        var loaded = ConfigLoader.Parse(yaml);
        if (!loaded.IsValid) throw new ArgumentException(string.Join("; ", loaded.Errors), nameof(yaml));
        Config = new ConfigState("config.yaml", loaded, Clock);
        var services = new ServiceCollection();
        services.AddLogging();
        // Before AddLumenCore, which only adds the system clock when none is registered.
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton(Config);
        services.AddSingleton(new ApiKeyHasher(ServerSecret));
        services.AddLumenCore(database.Options);
        if (interceptor is not null) services.AddSingleton(DatabaseProvider.CreateFactory(database.Options, interceptor));
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public FakeTimeProvider Clock { get; }
    public ConfigState Config { get; }

    internal IDbContextFactory<LumenDbContext> Contexts => Get<IDbContextFactory<LumenDbContext>>();
    public ClientService Clients => Get<ClientService>();
    public ApiKeyService Keys => Get<ApiKeyService>();
    public KeyVerifier Verifier => Get<KeyVerifier>();
    public ManagerService Managers => Get<ManagerService>();
    public ConsentService Consents => Get<ConsentService>();
    public CoinLedger Ledger => Get<CoinLedger>();
    public ChangeFeed Feed => Get<ChangeFeed>();
    public ClientDirectory Directory => Get<ClientDirectory>();
    public ConfigSync Sync => Get<ConfigSync>();
    public AuditService Audit => Get<AuditService>();

    /// <summary>Any service as the host would resolve it (component tests register these in bUnit).</summary>
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>Sets a client's usage counters directly, as a test's starting point.</summary>
    public async Task SetUsageAsync(int clientId, long requests, long inputTokens, long outputTokens, long coinsSpentMicros)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        await db.CoinPools.Where(p => p.ClientId == clientId).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Requests, requests)
            .SetProperty(p => p.InputTokens, inputTokens)
            .SetProperty(p => p.OutputTokens, outputTokens)
            .SetProperty(p => p.CoinsSpentMicros, coinsSpentMicros));
    }

    /// <summary>A client created by the operator, read back as stored with its pool; fails the test if creation fails.</summary>
    internal async Task<ClientRow> CreateClientAsync(string name)
    {
        var created = (await Clients.CreateAsync(Actor.Cli, name)).Unwrap();
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.Clients.AsNoTracking().Include(c => c.Pool).SingleAsync(c => c.Name == created.Name);
    }

    /// <summary>A key created by the operator, with its row id (what the ledger charges); fails the test if creation fails.</summary>
    internal async Task<TestKey> CreateKeyAsync(string client, string? label = null)
    {
        var created = (await Keys.CreateAsync(Actor.Cli, client, label)).Unwrap();
        await using var db = await Contexts.CreateDbContextAsync();
        var id = await db.ApiKeys.Where(k => k.PublicId == created.Key.PublicId).Select(k => k.Id).SingleAsync();
        return new TestKey(created.Key, created.FullKey, id);
    }

    /// <summary>The pool row as stored (no refill applied).</summary>
    internal async Task<CoinPoolRow> PoolRowAsync(int clientId)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.CoinPools.AsNoTracking().SingleAsync(p => p.ClientId == clientId);
    }

    /// <summary>Overwrites a pool's budget and balance directly, as a test's starting point.</summary>
    public async Task SetPoolAsync(int clientId, BudgetSettings budget, PoolBalance balance)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        var updated = await db.CoinPools.Where(p => p.ClientId == clientId).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.MaxMicros, budget.Max.Micros)
            .SetProperty(p => p.RefreshMicrosPerHour, budget.RefreshPerHour.Micros)
            .SetProperty(p => p.StartingMicros, budget.Starting.Micros)
            .SetProperty(p => p.BalanceMicros, balance.Balance.Micros)
            .SetProperty(p => p.BalanceAsOfMs, balance.AsOfMs));
        updated.Should().Be(1);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>A key as <see cref="ApiKeyService.CreateAsync"/> returned it, and the id of its row.</summary>
internal sealed record TestKey(ApiKeyInfo Key, string FullKey, int Id);
