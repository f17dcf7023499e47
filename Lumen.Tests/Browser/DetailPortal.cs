using System.ClientModel;
using System.ClientModel.Primitives;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Common;
using Lumen.Infrastructure.Consent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

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

    protected override string InitialConfig => $$"""
        admins: [{{BrowserConfig.Admin}}]
        models:
          - name: dummy
            input_cost_per_million: 1000.0
            output_cost_per_million: 2000.0
          - name: {{GraylistedModel}}
            input_cost_per_million: 0.5
            output_cost_per_million: 1.5
          - name: gpt-4o
            input_cost_per_million: 2.5
            output_cost_per_million: 10.0
          - name: qwen3-coder
            input_cost_per_million: 0.3
            output_cost_per_million: 1.2
        clients:
          default:
            max: 100.0
            refresh: 0.05
            starting: 100.0
            model_access:
              default: blacklist
              whitelist: [dummy]
              graylist: [{{GraylistedModel}}]
          {{ShowcaseClient}}:
            max: 5000.0
            refresh: 10.0
            starting: 5000.0
            model_access:
              default: graylist
              whitelist: [dummy, {{GraylistedModel}}]
              blacklist: [gpt-4o]
        """;

    protected override async Task SeedAsync()
    {
        await CreateClientAsync(NewClient);
        await CreateClientAsync(ShowcaseClient, ShowcaseManager, "r.okafor@example.org");

        var keys = Services.GetRequiredService<ApiKeyService>();
        var pat = new Actor(ShowcaseManager);
        var old = (await keys.CreateAsync(pat, ShowcaseClient, "old notebook")).Unwrap();
        (await keys.RevokeAsync(pat, ShowcaseClient, old.Key.PublicId)).Unwrap();
        (await keys.CreateAsync(new Actor(BrowserConfig.Admin), ShowcaseClient, "nightly-ingest")).Unwrap();
        var used = (await keys.CreateAsync(pat, ShowcaseClient, "annotation-service")).Unwrap();
        await CallDummyModelAsync(used.FullKey);
        (await Services.GetRequiredService<ConsentService>().GrantAsync(pat, ShowcaseClient, "qwen3-coder")).Unwrap();

        await SetUsageAsync(ShowcaseClient, 48_213, 61_402_118, 9_873_402, 1_284.532118m);
        await using var db = await DbAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = await db.Clients.Where(c => c.Name == ShowcaseClient).Select(c => c.Id).SingleAsync();
        await db.CoinPools.Where(p => p.ClientId == id)
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.BalanceMicros, 3_715_467_882L).SetProperty(x => x.BalanceAsOfMs, now));
    }

    /// <summary>The official OpenAI SDK pointed at this portal's /v1 with <paramref name="key"/>, one request per call.</summary>
    public OpenAIClient Sdk(string key) => new(new ApiKeyCredential(key), new OpenAIClientOptions
    {
        Endpoint = new Uri(BaseAddress, "v1"),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });

    /// <summary>The model ids <c>GET /v1/models</c> lists for <paramref name="key"/>.</summary>
    public async Task<IReadOnlyList<string>> ModelsAsync(string key) =>
        (await Sdk(key).GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToList();
}
