using System.Diagnostics.Metrics;
using Lumen.Infrastructure.Gateway;
using Lumen.Infrastructure.Gateway.Capacity;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Lumen.Tests.Gateway.Capacity;

/// <summary>
/// A portal on a loopback port in front of a <see cref="SlotCountingServer"/>: the model <see cref="Model"/> (its one
/// endpoint with <c>max_concurrent</c>, priced so a charge would show), <see cref="Spare"/> (first a capped endpoint on
/// <see cref="Doomed"/>, a server a test may stop, then the same server, one slot each), and two clients, <c>alpha</c>
/// and <c>beta</c>, with keys. Model names are the host's own: metrics of every host in the process meet on one scrape.
/// </summary>
public sealed class CapacityHost(int? maxConcurrent, params (string Key, string Value)[] settings) : TestHost(new TestHostOptions
{
    Kestrel = true,
    Config = host => ((CapacityHost)host).Yaml(),
    Settings = [("Gateway:HealthIntervalSeconds", "3600"), .. settings],
})
{
    private static int _hosts;
    private readonly int _number = Interlocked.Increment(ref _hosts);

    public string Model => $"capped-{_number}";
    public string Spare => $"spare-{_number}";

    public SlotCountingServer Doomed { get; private set; } = null!;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public SlotCountingServer Endpoint { get; private set; } = null!;

    public string AlphaKey { get; private set; } = "";

    public string BetaKey { get; private set; } = "";

    /// <summary>A host started and seeded, its model's endpoint with <paramref name="maxConcurrent"/> slots (null: no cap).</summary>
    public static async Task<CapacityHost> StartAsync(int? maxConcurrent, params (string Key, string Value)[] settings)
    {
        var host = new CapacityHost(maxConcurrent, settings);
        await host.InitializeAsync();
        return host;
    }

    public override async Task InitializeAsync()
    {
        Endpoint = await SlotCountingServer.StartAsync();
        Doomed = await SlotCountingServer.StartAsync();
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
        .WithModel(Spare, 1000, 1000, new TestConfig.Endpoint(Doomed.Url, MaxConcurrent: 1), new TestConfig.Endpoint(Endpoint.Url, MaxConcurrent: 1))
        .Default(new TestConfig.Entry(Max: 100, Refresh: 0, Starting: 100, ModelAccess: TestConfig.Access.AllModels))
        .ToString();

    /// <summary>A chat call to the capped model whose message is <paramref name="tag"/> (the server records it).</summary>
    public Task<HttpResponseMessage> CallAsync(string key, string tag, CancellationToken ct = default) =>
        TaggedCall.SendAsync(_http, BaseAddress, key, Model, tag, ct);

    public Task<HttpResponseMessage> CallAsync(string key, string model, string tag) => TaggedCall.SendAsync(_http, BaseAddress, key, model, tag);

    /// <summary>Calls waiting for <paramref name="model"/>, as the portal counts them.</summary>
    public int WaitingFor(string model) => Services.GetRequiredService<EndpointCapacity>().Waiting(model);

    /// <summary>The health (and calls in flight from here) of the model's endpoint at <paramref name="index"/>.</summary>
    public Lumen.Infrastructure.Gateway.Upstream.EndpointStatus Health(string model, int index)
    {
        var definition = Services.GetRequiredService<Lumen.Infrastructure.Config.ConfigState>().InForce!.Models.FindActive(model)!;
        return Services.GetRequiredService<Lumen.Infrastructure.Gateway.Upstream.EndpointHealth>().Of(model, definition.Endpoints[index]);
    }

    /// <summary>Calls waiting in the capped model's queue, as the portal counts them.</summary>
    public int Waiting => WaitingFor(Model);

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

    /// <summary>
    /// What the gauge <c>lumen_model_calls_waiting</c> (or another of <see cref="CapacityMetrics"/>' gauges) reads for
    /// <paramref name="model"/> now, from this host's meters: every host in the test process serves one shared
    /// <c>/metrics</c>, so a scrape cannot say which host a figure came from.
    /// </summary>
    public int Gauge(string instrument, string model)
    {
        using var collector = new MetricCollector<int>(Services.GetRequiredService<IMeterFactory>(), GatewayMetrics.MeterName, instrument);
        collector.RecordObservableInstruments();
        return collector.GetMeasurementSnapshot().Last(m => (string?)m.Tags["gen_ai.request.model"] == model).Value;
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

    protected override async Task StoppingAsync()
    {
        _http.Dispose();
        await Endpoint.DisposeAsync();
        await Doomed.DisposeAsync();
    }
}
