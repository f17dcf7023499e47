using System.Net.Http.Headers;
using System.Text;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Gateway.Upstream;
using Lumen.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Gateway.Endpoints;

/// <summary>
/// A portal on a loopback port in front of <see cref="FakeModelServer"/>s, one model per test, probed once at start and
/// then only when a test asks (<see cref="ProbeNowAsync"/>): the interval is an hour, so no round comes in between.
/// </summary>
public sealed class EndpointsHost() : TestHost(new TestHostOptions
{
    Kestrel = true,
    Config = host => ((EndpointsHost)host).Yaml(),
    Settings = [("Gateway:HealthIntervalSeconds", "3600")],
})
{
    public const string EndpointKey = "sk-endpoint-key-7";

    public FakeModelServer ModelServer { get; private set; } = null!;

    /// <summary>A server that is up at start and stopped by the failover test: an endpoint up in health that refuses.</summary>
    public FakeModelServer Doomed { get; private set; } = null!;

    public string Key { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        ModelServer = await FakeModelServer.StartAsync();
        Doomed = await FakeModelServer.StartAsync();
        ModelServer.ProbeStatus["locked"] = 401;
        ModelServer.ProbeStatus["bare"] = 404;
        ModelServer.ProbeStatus["dark-1"] = 503;
        ModelServer.ProbeStatus["dark-2"] = 503;
        await base.InitializeAsync();
    }

    protected override async Task SeedAsync()
    {
        await CreateClientAsync("caller");
        Key = await NewKeyAsync("caller");
    }

    private string Yaml() => new TestConfig()
        .Admins(Admin)
        .WithModel("failover", 0, 0, new(Doomed.Endpoint("gone")), new(ModelServer.Endpoint("live")))
        .WithModel("wobbly", 0, 0, new TestConfig.Endpoint(ModelServer.Endpoint("wobbly")))
        .WithModel("erring", 0, 0, new TestConfig.Endpoint(ModelServer.Endpoint("erring")))
        .WithModel("locked", 0, 0, new TestConfig.Endpoint(ModelServer.Endpoint("locked")))
        .WithModel("bare", 0, 0, new TestConfig.Endpoint(ModelServer.Endpoint("bare")))
        .WithModel("keyed", 0, 0, new TestConfig.Endpoint(ModelServer.Endpoint("keyed"), ApiKey: EndpointKey))
        .WithModel("dark", 0, 0, new(ModelServer.Endpoint("dark-1")), new(ModelServer.Endpoint("dark-2")))
        .Default(new TestConfig.Entry(Max: -2, ModelAccess: TestConfig.Access.AllModels))
        .ToString();

    /// <summary>The health of the model's endpoint at <paramref name="index"/> in the config in force.</summary>
    public EndpointStatus Health(string model, int index = 0)
    {
        var definition = Services.GetRequiredService<ConfigState>().InForce!.Models.FindActive(model)!;
        return Services.GetRequiredService<EndpointHealth>().Of(model, definition.Endpoints[index]);
    }

    /// <summary>A probe round now; returns when every endpoint has its verdict.</summary>
    public Task ProbeNowAsync() => Services.GetRequiredService<EndpointProber>().ProbeAllAsync();

    /// <summary>Waits (with a deadline) until the probe at start has judged every endpoint.</summary>
    public async Task StartProbeDoneAsync(string model, int endpoints = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (Enumerable.Range(0, endpoints).Any(i => Health(model, i).LastProbed is null))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The probe at start did not judge {model}'s endpoints.");
            await Task.Delay(20);
        }
    }

    /// <summary>A chat call to the model with the test client's key, answered in full.</summary>
    public Task<HttpResponseMessage> CallAsync(string model) => ChatAsync(Key, model);

    protected override async Task StoppingAsync()
    {
        await ModelServer.DisposeAsync();
        await Doomed.DisposeAsync();
    }
}
