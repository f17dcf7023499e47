using System.Net.Http.Json;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Browser;

/// <summary>
/// The portal as a person meets it: a <see cref="TestHost"/> on Kestrel at a loopback port in the Development
/// environment, with its own config file and SQLite database in a temp folder. Subclasses seed data (through the same
/// use cases the command line uses) and may turn on a real OpenID Connect provider.
/// </summary>
public class PortalServer : TestHost
{
    public PortalServer()
        : this(oidcIssuer: null)
    {
    }

    /// <summary>A portal that signs people in through an OpenID Connect provider at <paramref name="oidcIssuer"/> (when given).</summary>
    protected PortalServer(Uri? oidcIssuer, DatabaseOptions? database = null, params (string Key, string Value)[] settings)
        : base(new TestHostOptions
        {
            Kestrel = true,
            Database = database,
            Config = host => ((PortalServer)host).InitialConfig,
            OidcIssuer = oidcIssuer,
            Settings = [("Logging:LogLevel:Default", "Warning"), .. settings],
        })
    {
    }

    /// <summary>The config file the portal starts with.</summary>
    protected virtual string InitialConfig => BrowserConfig.Yaml();

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
        using var http = CreateBrowser(handleCookies: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "dummy", messages = new[] { new { role = "user", content = prompt } } }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
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
}

/// <summary>A client's usage counters as the database holds them.</summary>
public sealed record PoolSnapshotRow(long Requests, long Tokens, long CoinsSpentMicros);
