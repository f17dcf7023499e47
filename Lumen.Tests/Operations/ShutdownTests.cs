using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Lumen.Tests.Gateway;
using Lumen.Tests.Hosting;

namespace Lumen.Tests.Operations;

/// <summary>
/// The portal as deployed (its own process, Production) stopped by SIGTERM with a call in flight: it reports not ready
/// first, finishes the call, and exits. Its console log, at Trace, is JSON lines that carry no key, upstream key,
/// prompt or answer.
/// </summary>
public sealed class ShutdownTests : IAsyncDisposable
{
    private const string UpstreamKey = "sk-upstream-canary-5f1e9c";
    private const string Prompt = "prompt-canary-7d2b41 tell me something";
    private readonly string _dir = Directory.CreateTempSubdirectory("lumen-stop-").FullName;
    private FakeUpstream? _upstream;

    [Fact]
    public async Task On_SIGTERM_readyz_turns_503_first_then_the_call_in_flight_finishes_and_the_process_exits()
    {
        _upstream = await FakeUpstream.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(_dir, "config.yaml"), Config(_upstream));
        var key = await SeedKeyAsync();
        var port = FreeLoopbackPort();
        var start = PortalProcess.StartInfo(_dir, "--urls", $"http://127.0.0.1:{port}", "--config", "config.yaml");
        start.Environment["Lumen__ShutdownDelaySeconds"] = "2";
        start.Environment["Logging__LogLevel__Default"] = "Trace";
        using var portal = PortalProcess.Start(start);
        var stdout = portal.StandardOutput.ReadToEndAsync();
        var stderr = portal.StandardError.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            await UntilAsync(async () => (await TryGetAsync(http, "/readyz")) == HttpStatusCode.OK);
            var call = CallAsync(http, key);
            await UntilAsync(() => Task.FromResult(_upstream.Requests.Count == 1)); // the call is at the upstream now

            PortalProcess.Terminate(portal);
            var watch = Stopwatch.StartNew();
            // The signal reaches the runtime's handler on a thread of its own, a moment after kill returns: until
            // then /readyz may still say 200. Every answer must come (the server still answers), and 503 must come
            // within the delay.
            var notReady = await TryGetAsync(http, "/readyz");
            while (notReady == HttpStatusCode.OK && watch.Elapsed < TimeSpan.FromSeconds(2))
            {
                await Task.Delay(20);
                notReady = await TryGetAsync(http, "/readyz");
            }

            notReady.Should().Be(HttpStatusCode.ServiceUnavailable, "not ready first, while the server still answers");
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
            call.IsCompleted.Should().BeFalse("the slow answer takes 10 s");
            var (status, answer) = await call;
            (status, answer.Contains(FakeUpstream.Answer, StringComparison.Ordinal)).Should().Be((HttpStatusCode.OK, true));
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await portal.WaitForExitAsync(exit.Token);
            portal.ExitCode.Should().Be(0);
        }
        finally
        {
            if (!portal.HasExited) portal.Kill(entireProcessTree: true);
        }

        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCountGreaterThan(10).And.OnlyContain(l => IsJsonObject(l), "Production logs are JSON lines");
        var log = await stdout + await stderr;
        log.Should().Contain("chat/completions", "the call itself was logged at Trace");
        foreach (var secret in new[] { key, key[^43..], UpstreamKey, "prompt-canary-7d2b41", FakeUpstream.Answer, PortalProcess.Secret })
            log.Should().NotContain(secret);
    }

    private static string Config(FakeUpstream upstream) => new TestConfig()
        .Admins(TestHost.Admin)
        .WithModel("slow", 0.5m, 1.5m, new TestConfig.Endpoint(upstream.Endpoint("slow"), ApiKey: UpstreamKey))
        .Default(new(Max: 100, Refresh: 1, Starting: 100, TestConfig.Access.AllModels))
        .ToString();

    /// <summary>A client and key made by the portal's own command line, as an operator would.</summary>
    private async Task<string> SeedKeyAsync()
    {
        var created = await PortalProcess.RunAsync(PortalProcess.StartInfo(_dir, "clients", "create", "bot", "--config", "config.yaml"));
        created.Exit.Should().Be(0, created.Stderr);
        var key = await PortalProcess.RunAsync(PortalProcess.StartInfo(_dir, "keys", "create", "bot", "--config", "config.yaml"));
        key.Exit.Should().Be(0, key.Stderr);
        return key.Stdout.Split('\n').Single(l => l.StartsWith("lmn_", StringComparison.Ordinal)).Trim();
    }

    private static async Task<(HttpStatusCode, string)> CallAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { model = "slow", messages = new[] { new { role = "user", content = Prompt } } }),
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", key);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition()) await Task.Delay(50, timeout.Token);
    }

    private static bool IsJsonObject(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_upstream is not null) await _upstream.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
