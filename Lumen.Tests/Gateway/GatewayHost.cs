using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Consent;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lumen.Tests.Gateway;

/// <summary>
/// The portal on a real loopback port (a Kestrel <see cref="TestHost"/>), with its own config file and SQLite database,
/// in front of a <see cref="FakeUpstream"/>. Clients and keys are made with the same use-case services the command line uses.
/// </summary>
public sealed class GatewayHost : TestHost
{
    private int _clients;

    public GatewayHost()
        : this(clock: null)
    {
    }

    /// <summary>
    /// A host whose every part reads <paramref name="clock"/>, or on <paramref name="database"/> rather than a SQLite
    /// file of its own (not public: a collection fixture has one public constructor).
    /// </summary>
    internal GatewayHost(TimeProvider? clock = null, DatabaseOptions? database = null)
        : base(new TestHostOptions
        {
            Kestrel = true,
            Upstream = true,
            Clock = clock,
            Database = database,
            Config = host => GatewayConfig.Yaml(host.Upstream),
            // No stack trace is an expected answer's business: Logs keeps Warning and above.
            LogsFrom = LogLevel.Warning,
            Settings =
            [
                // Short, so the slow upstream's non-streamed answer times out within a test.
                ("Gateway:UpstreamTimeoutSeconds", "1"),
                ("Gateway:StreamIdleSeconds", "0.5"),
                // Small, so an over-cap answer (FakeUpstream.HugeBytes) is quick to send; every normal answer is far below.
                ("Gateway:MaxUpstreamResponseBytes", "65536"),
                ("Gateway:MaxRequestBytes", "1048576"),
            ],
        })
    {
    }

    /// <summary>What a call to an upstream model costs: 100 input tokens at 0.5 and 20 output tokens at 1.5 per million.</summary>
    public const long UpstreamCallMicros = 80;

    /// <summary>Writes the standard test config, changed by <paramref name="change"/> (for reload tests).</summary>
    public Task WriteConfigAsync(Func<TestConfig, TestConfig> change) => WriteConfigAsync(change(GatewayConfig.Config(Upstream)).ToString());

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
