using System.Globalization;
using System.Text.RegularExpressions;
using Lumen.Infrastructure.Gateway.Capacity;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Gateway.Capacity;

/// <summary>
/// A portal on a loopback port in front of a <see cref="SlotCountingServer"/>: the model <c>capped</c> (its one endpoint
/// with <c>max_concurrent</c>, priced so a charge would show), and two clients, <c>alpha</c> and <c>beta</c>, with keys.
/// </summary>
public sealed partial class CapacityHost(int? maxConcurrent, params (string Key, string Value)[] settings) : TestHost(new TestHostOptions
{
    Kestrel = true,
    Config = host => ((CapacityHost)host).Yaml(),
    Settings = [("Gateway:HealthIntervalSeconds", "3600"), .. settings],
})
{
    public const string Model = "capped";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public SlotCountingServer Endpoint { get; private set; } = null!;

    public string AlphaKey { get; private set; } = "";

    public string BetaKey { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        Endpoint = await SlotCountingServer.StartAsync();
        await base.InitializeAsync();
    }

    protected override async Task SeedAsync()
    {
        await CreateClientAsync("alpha");
        await CreateClientAsync("beta");
        AlphaKey = await NewKeyAsync("alpha");
        BetaKey = await NewKeyAsync("beta");
    }

    private string Yaml() => new TestConfig()
        .Admins(Admin)
        .WithModel(Model, 1000, 1000, new TestConfig.Endpoint(Endpoint.Url, MaxConcurrent: maxConcurrent))
        .Default(new TestConfig.Entry(Max: 100, Refresh: 0, Starting: 100, ModelAccess: TestConfig.Access.AllModels))
        .ToString();

    /// <summary>A chat call to the capped model whose message is <paramref name="tag"/> (the server records it).</summary>
    public Task<HttpResponseMessage> CallAsync(string key, string tag, CancellationToken ct = default) =>
        TaggedCall.SendAsync(_http, BaseAddress, key, Model, tag, ct);

    /// <summary>Calls waiting in the capped model's queue, as the portal counts them.</summary>
    public int Waiting => Services.GetRequiredService<EndpointCapacity>().Waiting(Model);

    /// <summary>Waits (with a deadline) until <paramref name="condition"/> holds.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {seconds} s for {what}.");
            await Task.Delay(5);
        }
    }

    /// <summary><c>lumen_model_calls_waiting</c> for the capped model as <c>/metrics</c> serves it (null when absent).</summary>
    public async Task<int?> WaitingOnMetricsAsync()
    {
        var text = await _http.GetStringAsync(new Uri(BaseAddress, "metrics"));
        var line = WaitingLine().Match(text);
        return line.Success ? int.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The client's request-log rows, oldest first, once there are at least <paramref name="count"/>.</summary>
    internal async Task<IReadOnlyList<RequestLogRow>> LogAsync(string client, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            await using var db = await DbAsync();
            var id = await db.Clients.Where(c => c.Name == client).Select(c => c.Id).SingleAsync();
            var rows = await db.RequestLog.AsNoTracking().Where(r => r.ClientId == id).OrderBy(r => r.Id).ToListAsync();
            if (rows.Count >= count || DateTime.UtcNow > deadline) return rows;
            await Task.Delay(20);
        }
    }

    /// <summary>Coins the client has been charged in all.</summary>
    internal async Task<long> SpentMicrosAsync(string client)
    {
        await using var db = await DbAsync();
        var id = await db.Clients.Where(c => c.Name == client).Select(c => c.Id).SingleAsync();
        return await db.CoinPools.Where(p => p.ClientId == id).Select(p => p.CoinsSpentMicros).SingleAsync();
    }

    [GeneratedRegex("""^lumen_model_calls_waiting\{[^}]*gen_ai_request_model="capped"[^}]*\} (\d+)""", RegexOptions.Multiline)]
    private static partial Regex WaitingLine();

    protected override async Task StoppingAsync()
    {
        _http.Dispose();
        await Endpoint.DisposeAsync();
    }
}
