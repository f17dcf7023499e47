using Lumen.Infrastructure.ApiKeys;
using Lumen.Tests.Hosting;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Consent;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Browser;

/// <summary>
/// A portal for the client detail page (§8). <see cref="NewClient"/> starts with no managers and no keys, for a test
/// that walks through a client's first day; <see cref="ShowcaseClient"/> has managers, keys (one revoked, one used),
/// consent and months of usage, for the axe check and the screenshot. Models: dummy (answers locally), llama3
/// (graylisted by the default entry), gpt-4o and qwen3-coder.
/// </summary>
public sealed class DetailPortal : PortalServer
{
    public const string NewClient = "lab-assistant";
    public const string ShowcaseClient = "research-bot";
    public const string ShowcaseManager = "pat.nguyen@example.org";
    public const string GraylistedModel = "llama3";

    protected override string InitialConfig => BrowserConfig.Config()
        .WithModel(GraylistedModel, 0.5m, 1.5m)
        .WithModel("gpt-4o", 2.5m, 10.0m)
        .WithModel("qwen3-coder", 0.3m, 1.2m)
        .Default(new(Max: 100.0m, Refresh: 0.05m, Starting: 100.0m, BrowserConfig.DummyOnly with { Graylist = [GraylistedModel] }))
        .WithClient(ShowcaseClient, new(Max: 5000.0m, Refresh: 10.0m, Starting: 5000.0m,
            new TestConfig.Access("graylist", Whitelist: ["dummy", GraylistedModel], Blacklist: ["gpt-4o"])))
        .ToString();

    protected override async Task SeedAsync()
    {
        await CreateClientAsync(NewClient);
        await CreateClientAsync(ShowcaseClient, ShowcaseManager, "r.okafor@example.org");

        var keys = Services.GetRequiredService<ApiKeyService>();
        var pat = new Actor(ShowcaseManager);
        var old = (await keys.CreateAsync(pat, ShowcaseClient, "old notebook")).Unwrap();
        (await keys.RevokeAsync(pat, ShowcaseClient, old.Key.PublicId)).Unwrap();
        var nightly = (await keys.CreateAsync(new Actor(BrowserConfig.Admin), ShowcaseClient, "nightly-ingest")).Unwrap();
        var used = (await keys.CreateAsync(pat, ShowcaseClient, "annotation-service")).Unwrap();
        (await Services.GetRequiredService<ConsentService>().GrantAsync(pat, ShowcaseClient, "qwen3-coder")).Unwrap();

        // The sample rows first: the ledger adds the real call to the hour's rows they wrote.
        await ShowcaseRequestLogAsync(old.Key.PublicId, nightly.Key.PublicId, used.Key.PublicId);
        await CallDummyModelAsync(used.FullKey);
        await SetUsageAsync(ShowcaseClient, 48_213, 61_402_118, 9_873_402, 1_284.532118m);
        await using var db = await DbAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = await db.Clients.Where(c => c.Name == ShowcaseClient).Select(c => c.Id).SingleAsync();
        await db.CoinPools.Where(p => p.ClientId == id)
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.BalanceMicros, 3_715_467_882L).SetProperty(x => x.BalanceAsOfMs, now));
    }

    /// <summary>
    /// A morning of the showcase's calls for the request log's picture, written as the ledger logs them: the two live keys
    /// over four models, mostly answered, some refused (budget, a blacklisted model) or failed upstream, and the revoked
    /// key's last calls before it was revoked; and a day of hourly usage for the charts.
    /// </summary>
    private async Task ShowcaseRequestLogAsync(string revoked, string nightly, string service)
    {
        await using var db = await DbAsync();
        var id = await db.Clients.Where(c => c.Name == ShowcaseClient).Select(c => c.Id).SingleAsync();
        var keys = await db.ApiKeys.Where(k => k.ClientId == id).ToDictionaryAsync(k => k.PublicId, k => k.Id);
        var (revokedKey, nightlyKey, serviceKey) = (keys[revoked], keys[nightly], keys[service]);
        var random = new Random(16);
        var at = DateTime.UtcNow.AddHours(-6);
        for (var i = 0; i < 160; i++)
        {
            at = at.AddSeconds(60 + random.Next(120));
            var key = i < 12 ? revokedKey : random.Next(3) == 0 ? nightlyKey : serviceKey;
            var roll = random.Next(100);
            var model = roll < 45 ? "dummy" : roll < 80 ? GraylistedModel : roll < 94 ? "qwen3-coder" : "gpt-4o";
            var fate = random.Next(100);
            var (status, error, outcome) = model == "gpt-4o" ? (403, "model_not_allowed", "refused_access")
                : fate < 88 ? (200, (string?)null, "ok") : fate < 93 ? (429, "insufficient_quota", "refused_budget")
                : fate < 97 ? (504, "upstream_timeout", "upstream_timeout") : (499, (string?)null, "client_closed");
            long input = status is 200 or 499 ? random.Next(300, 6000) : 0, output = status == 200 ? random.Next(40, 1800) : status == 499 ? 12 : 0;
            db.RequestLog.Add(new RequestLogRow
            {
                ClientId = id, ApiKeyId = key, Model = model, Status = status, ErrorCode = error, InputTokens = input,
                OutputTokens = output, CoinsMicros = input * 600 + output * 1_800, At = at, Outcome = outcome,
                DurationMs = status == 200 ? random.Next(180, 9000) : status == 504 ? 300_000 : random.Next(2, 20),
                Operation = random.Next(5) == 0 ? "embeddings" : "chat", RequestId = "req_" + Guid.CreateVersion7(new DateTimeOffset(at)).ToString("N"),
            });
        }
        // Its last 24 hours for the usage charts, the balance falling to about what the budget panel shows.
        SampleUsageDay.Add(db, id, [("dummy", 2), (GraylistedModel, 2), ("qwen3-coder", 1)], scale: 0.6, balanceMicros: 3_775_000000);
        SampleUsageDay.AddTotals(db);
        await db.SaveChangesAsync();
    }

    /// <summary>The model ids <c>GET /v1/models</c> lists for <paramref name="key"/>.</summary>
    public async Task<IReadOnlyList<string>> ModelsAsync(string key) =>
        (await Sdk(key).GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToList();
}
