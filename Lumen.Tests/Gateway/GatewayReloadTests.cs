using Lumen.Tests.Hosting;
using OpenAI.Chat;

namespace Lumen.Tests.Gateway;

/// <summary>A config reload changes what the next call may do (§11). Its own host: it rewrites the config file.</summary>
public sealed class GatewayReloadTests : IAsyncLifetime, IDisposable
{
    private readonly GatewayHost _host = new();

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_host).DisposeAsync();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task A_reload_that_removes_access_or_coins_applies_to_the_next_call()
    {
        var client = await _host.NewClientAsync("reloaded");
        ChatCompletion before = await client.Chat("llama").CompleteChatAsync(GatewayAssertions.Hello);
        before.Content.Should().NotBeEmpty();

        await _host.WriteConfigAsync(config => config.WithClient("reloaded",
            GatewayConfig.Reloaded() with { ModelAccess = TestConfig.Access.AllModels with { Blacklist = ["llama"] } }));
        await _host.ReloadConfigAsync();

        await client.Chat("llama").RefusedAsync(403, "model_not_allowed");
        ChatCompletion other = await client.Chat("dummy").CompleteChatAsync(GatewayAssertions.Hello);
        other.Content.Should().NotBeEmpty("only the model the reload took away is refused");

        await _host.WriteConfigAsync(config => config.WithClient("reloaded", GatewayConfig.Reloaded() with { Max = 0 }));
        await _host.ReloadConfigAsync();

        await client.Chat("dummy").RefusedAsync(429, "insufficient_quota");
    }
}
