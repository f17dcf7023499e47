using Lumen.Infrastructure.Gateway.Upstream;
using Lumen.Tests.Gateway.Capacity;
using Lumen.Tests.Gateway.Endpoints;
using Lumen.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Browser;

/// <summary>
/// A portal whose model <c>llama3</c> has two endpoints on a <see cref="FakeModelServer"/> the test can turn down and up,
/// beside the built-in dummy, and <c>queued</c>, whose one endpoint takes one call at once and can hold its calls
/// (<see cref="SlotCountingServer"/>); a manager with one client. Probed at start, then when a test asks (the interval is an hour).
/// </summary>
public sealed class ModelsPortal() : PortalServer(oidcIssuer: null, database: null, ("Gateway:HealthIntervalSeconds", "3600"))
{
    public const string Manager = "m.lindqvist@example.org";
    public const string Client = "team-bot";

    public FakeModelServer ModelServer { get; private set; } = null!;

    public SlotCountingServer QueuedServer { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        ModelServer = await FakeModelServer.StartAsync();
        QueuedServer = await SlotCountingServer.StartAsync();
        await base.InitializeAsync();
    }

    protected override string InitialConfig => new TestConfig()
        .Admins(BrowserConfig.Admin)
        .WithModel("dummy")
        .WithModel("llama3", 0.5m, 1.5m, new(ModelServer.Endpoint("gpu1"), "llama3:8b", "sk-gpu-secret"), new(ModelServer.Endpoint("gpu2"), "llama3:8b"))
        .WithModel("queued", 0, 0, new TestConfig.Endpoint(QueuedServer.Url, MaxConcurrent: 1))
        .Default(new TestConfig.Entry(100, 0, 100, new TestConfig.Access("blacklist", Whitelist: ["dummy", "queued"], Graylist: ["llama3"])))
        .ToString();

    protected override Task SeedAsync() => CreateClientAsync(Client, Manager);

    /// <summary>Sets what the first endpoint's probe answers and probes every endpoint now.</summary>
    public async Task SetFirstEndpointAsync(int probeStatus)
    {
        ModelServer.ProbeStatus["gpu1"] = probeStatus;
        await Services.GetRequiredService<EndpointProber>().ProbeAllAsync();
    }

    protected override async Task StoppingAsync()
    {
        await base.StoppingAsync();
        await ModelServer.DisposeAsync();
        await QueuedServer.DisposeAsync();
    }
}
