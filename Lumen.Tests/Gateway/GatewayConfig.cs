using System.Net.Sockets;
using Lumen.Tests.Hosting;
using static Lumen.Tests.Hosting.TestConfig;

namespace Lumen.Tests.Gateway;

/// <summary>
/// The config the gateway tests run with. Upstream models cost 0.5/1.5 coins per million tokens, so a fake upstream
/// call (100 in, 20 out) costs exactly 80 micro-coins. Clients without a named entry get <c>default</c>.
/// </summary>
internal static class GatewayConfig
{
    public static string Yaml(FakeUpstream upstream) => Config(upstream).ToString();

    public static TestConfig Config(FakeUpstream upstream)
    {
        var config = new TestConfig().Admins(TestHost.Admin).WithModel("dummy", 0.0m, 0.0m);
        config.WithModel("llama", 0.5m, 1.5m, new Endpoint(upstream.Endpoint("normal-llama"), Model: "llama-upstream"));
        Proxied("twin", upstream.Endpoint("normal-twin-a"), upstream.Endpoint("normal-twin-b"));
        Proxied("pair", upstream.Endpoint("normal-pair-a"), upstream.Endpoint("normal-pair-b"));
        Proxied("slowpoke", upstream.Endpoint("slow"));
        Proxied("flaky", upstream.Endpoint("fail"));
        Proxied("dropper", upstream.Endpoint("drop"));
        Proxied("offline", $"http://127.0.0.1:{ClosedPort()}/v1");
        // A model of each misbehaving endpoint, named as its tag.
        foreach (var tag in FakeUpstream.Misbehaviours) Proxied(tag, upstream.Endpoint(tag));
        // A good stream in awkward pieces, from a server with its own id for the model.
        config.WithModel("ragged", 0.5m, 1.5m, new Endpoint(upstream.Endpoint("ragged"), Model: "org/Ragged-Upstream"));
        config.WithModel("org/slashed-model", endpoints: new Endpoint(upstream.Endpoint("normal-slashed")));
        config.WithModel("hollow", 0.5m, 1.5m);
        Proxied("secret", upstream.Endpoint("normal-secret"));
        Proxied("banned", upstream.Endpoint("normal-banned"));
        config.WithInactiveModel("retired", new Endpoint(upstream.Endpoint("normal-retired")));

        var strict = new Access("whitelist", Blacklist: ["banned"], Graylist: ["secret"]);
        return config
            .Default(new(Max: 100.0m, Refresh: 0.0m, Starting: 100.0m, strict))
            .WithClients(new(Max: 0, ModelAccess: Access.AllModels), "broke", "broke-outcome")
            .WithClients(new(1, 0.00036m, 0, Access.AllModels), "refilling", "refilling-models")
            .WithClients(new(1, 0, 0, Access.AllModels), "drained", "drained-models")
            .WithClient("me-filling", new(10, 3.6m, 4, Access.AllModels))
            .WithClient("me-full", new(10, 1, 10, Access.AllModels))
            .WithClient("me-debtor", new(0.0002m, 0.0036m, 0.0002m, Access.AllModels))
            .WithClient("me-spent", new(0.0002m, 0, 0.0002m, Access.AllModels))
            .WithClients(new(Max: 0, ModelAccess: Access.AllModels), "broke-retry", "broke-models", "broke-embeddings", "broke-completions", "broke-responses")
            .WithClient("broke-order", new(Max: 0, ModelAccess: strict))
            .WithClient("unlimited", new(Max: -2, Starting: 0, ModelAccess: Access.AllModels))
            .WithClients(new(Max: 0.0002m, Starting: 0.0002m, ModelAccess: Access.AllModels), "tiny", "tiny-burst")
            .WithClient("reloaded", Reloaded());

        void Proxied(string name, params string[] urls) => config.WithModel(name, 0.5m, 1.5m, [.. urls.Select(url => new Endpoint(url))]);
    }

    /// <summary>The entry of the client the reload tests change.</summary>
    public static Entry Reloaded() => new(Max: 100.0m, Starting: 100.0m, ModelAccess: Access.AllModels);

    /// <summary>A loopback port nobody listens on: an endpoint there refuses connections.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
