using System.Net;
using System.Text.Json;
using Lumen.Portal.Clients;
using Lumen.Tests.Browser;
using Lumen.Tests.Hosting;
using Lumen.Tests.Portal.Site;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Lumen.Tests.Instances;

[CollectionDefinition(Name)]
public sealed class InstancesTestGroup : ICollectionFixture<TwoInstances>
{
    public const string Name = "instances";
}

/// <summary>
/// §18 with two real instances on one PostgreSQL database and one Redis: one key ring, changes that reach the other
/// instance's listeners once each, exact charges from both, and Redis down without a call or an action failing.
/// </summary>
[Collection(InstancesTestGroup.Name)]
public sealed class SeveralInstancesTests(TwoInstances instances)
{
    /// <summary>Long enough for both paths to have delivered anything they would (Redis at once; the journal every 2 s).</summary>
    private static readonly TimeSpan BothPathsHadTheirChance = TimeSpan.FromSeconds(6);

    private InstancePortal A => instances.A;
    private InstancePortal B => instances.B;

    [Fact]
    public async Task A_sign_in_cookie_issued_by_A_is_accepted_by_B()
    {
        var (_, cookie) = await TestHost.DevSignInAsync(A, A, BrowserConfig.Admin);
        cookie.Should().NotBeNull();

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(B.BaseAddress, "clients"));
        request.Headers.Add("Cookie", cookie);
        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK, "B reads A's cookie with the key ring they share");
        (await response.Content.ReadAsStringAsync()).Should().Contain(TwoInstances.Client);
    }

    [Fact]
    public async Task An_antiforgery_protected_post_on_B_with_As_token_succeeds()
    {
        var (status, cookie) = await TestHost.DevSignInAsync(A, B, BrowserConfig.Admin);

        status.Should().Be(HttpStatusCode.Redirect, "B accepts the antiforgery token and cookie A issued");
        cookie.Should().NotBeNull("B signed the person in");
    }

    [Fact]
    public async Task Forwarded_headers_are_honoured_only_from_a_known_proxy()
    {
        // A names 127.0.0.1 in ForwardedHeaders:KnownProxies; B names no proxy.
        (await SignInRedirectAsync(A)).Should().StartWith("https://portal.example.org/auth/sign-in");
        (await SignInRedirectAsync(B)).Should().StartWith($"http://127.0.0.1:{B.BaseAddress.Port}/auth/sign-in");
    }

    private static async Task<string> SignInRedirectAsync(PortalServer host)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.BaseAddress, "clients"));
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "portal.example.org");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var response = await http.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        return response.Headers.Location!.ToString();
    }

    [Fact]
    public async Task A_call_an_action_and_a_config_apply_on_A_reach_a_hub_listener_on_B_exactly_once()
    {
        await using var listener = await instances.ListenAsync(B);
        await A.CreateClientAsync("once-bot");

        await A.CallDummyModelAsync(instances.Key);
        await A.SetActiveAsync("once-bot", false);
        await A.WriteConfigAsync(BrowserConfig.Config()
            .WithClient("once-bot", new(Max: 77.0m, Refresh: 1.0m, Starting: 10.0m, TestConfig.Access.AllModels))
            .ToString());

        bool Usage(ClientChangeMessage m) => m.Client == TwoInstances.Client && m.Kind == "UsageChanged";
        bool Deactivated(ClientChangeMessage m) => m.Client == "once-bot" && m.Kind == "ActiveChanged";
        bool Applied(ClientChangeMessage m) => m.Client == "once-bot" && m.Kind == "SettingsApplied";
        await listener.WaitForAsync(Usage);
        await listener.WaitForAsync(Deactivated);
        await listener.WaitForAsync(Applied);
        await Task.Delay(BothPathsHadTheirChance);

        listener.Received.Count(Usage).Should().Be(1, "Redis and the journal both carry it, and one delivers it");
        listener.Received.Count(Deactivated).Should().Be(1);
        listener.Received.Count(Applied).Should().Be(1);
        listener.Received.Count(m => m.Client == "once-bot" && m.Kind == "Created").Should().Be(1);
    }

    [Fact]
    public async Task Redis_alone_carries_a_change_to_an_instance_that_does_not_read_the_journal()
    {
        await using var listener = await instances.ListenAsync(instances.RedisOnly!);

        await A.CallDummyModelAsync(instances.Key, "through Redis");
        var (exit, _, stderr) = await instances.RunCommandLineAsync("clients", "create", "via-redis-bot");
        exit.Should().Be(0, stderr);

        await listener.WaitForAsync(m => m.Client == TwoInstances.Client && m.Kind == "UsageChanged");
        await listener.WaitForAsync(m => m.Client == "via-redis-bot" && m.Kind == "Created");
    }

    [Fact]
    public async Task A_command_line_change_reaches_a_hub_listener_on_B_once()
    {
        await using var listener = await instances.ListenAsync(B);

        var (exit, _, stderr) = await instances.RunCommandLineAsync("clients", "create", "cli-made-bot");
        exit.Should().Be(0, stderr);

        bool Created(ClientChangeMessage m) => m.Client == "cli-made-bot" && m.Kind == "Created";
        await listener.WaitForAsync(Created);
        await Task.Delay(BothPathsHadTheirChance);
        listener.Received.Count(Created).Should().Be(1);
    }

    [Fact]
    public async Task Concurrent_charges_on_A_and_B_stay_exact()
    {
        await A.CreateClientAsync("busy-bot");
        var key = await A.NewKeyAsync("busy-bot");
        await A.CallDummyModelAsync(key, "the same prompt every time");
        var one = await A.PoolAsync("busy-bot");

        const int each = 30;
        await Task.WhenAll(Enumerable.Range(0, each).SelectMany(_ => new[]
        {
            A.CallDummyModelAsync(key, "the same prompt every time"),
            B.CallDummyModelAsync(key, "the same prompt every time"),
        }));

        var after = await B.PoolAsync("busy-bot");
        after.Requests.Should().Be(1 + 2 * each);
        after.Tokens.Should().Be(one.Tokens * (1 + 2 * each));
        after.CoinsSpentMicros.Should().Be(one.CoinsSpentMicros * (1 + 2 * each));
    }

    [Fact]
    public async Task With_Redis_stopped_calls_and_actions_go_on_and_B_catches_up_from_the_database()
    {
        await using var listener = await instances.ListenAsync(B);
        await A.CreateClientAsync("outage-bot");
        var redis = instances.Redis!;
        await redis.StopAsync();
        try
        {
            await A.CallDummyModelAsync(instances.Key, "during the outage");
            await A.SetActiveAsync("outage-bot", false);

            await listener.WaitForAsync(m => m.Client == "outage-bot" && m.Kind == "ActiveChanged");
            await listener.WaitForAsync(m => m.Client == TwoInstances.Client && m.Kind == "UsageChanged");
            await Eventually.AssertAsync(async () => (await RedisReadinessAsync(B)).Should().Be("Degraded"));
        }
        finally
        {
            await redis.StartAsync();
        }
        await EveryInstanceBackOnRedisAsync();

        // Back on Redis: a change reaches B again.
        await A.SetActiveAsync("outage-bot", true);
        bool Toggled(ClientChangeMessage m) => m.Client == "outage-bot" && m.Kind == "ActiveChanged";
        await Eventually.AssertAsync(() =>
        {
            listener.Received.Count(Toggled).Should().Be(2);
            return Task.CompletedTask;
        });
        await Task.Delay(BothPathsHadTheirChance);
        listener.Received.Count(Toggled).Should().Be(2, "each change once: the one in the outage by the journal, this one by either");
    }

    /// <summary>
    /// A hub listener that reconnects without pause while Redis is down used to make about 50 error entries a second
    /// (each attempt failed inside SignalR's backplane); now each is refused before it starts, with one line a second.
    /// </summary>
    [Fact]
    public async Task With_Redis_stopped_a_listener_that_keeps_reconnecting_leaves_a_line_a_second_not_a_storm()
    {
        var (_, cookie) = await TestHost.DevSignInAsync(A, A, BrowserConfig.Admin);
        var redis = instances.Redis!;
        await redis.StopAsync();
        var attempts = 0;
        var refusals = new List<string>();
        var elapsed = TimeSpan.Zero;
        try
        {
            await Eventually.AssertAsync(async () => (await RedisReadinessAsync(A)).Should().Be("Degraded"));
            A.Logs.Clear();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(3))
            {
                // Both transports: long polling is the one whose failures SignalR logged as errors.
                var transport = attempts++ % 2 == 0 ? HttpTransportType.LongPolling : HttpTransportType.WebSockets;
                await using var connection = new HubConnectionBuilder()
                    .WithUrl(new Uri(A.BaseAddress, ClientsHub.Path.TrimStart('/')), o =>
                    {
                        o.Headers["Cookie"] = cookie!;
                        o.Transports = transport;
                    })
                    .Build();
                var start = () => connection.StartAsync();
                refusals.Add((await start.Should().ThrowAsync<HttpRequestException>()).Which.Message);
            }
            elapsed = watch.Elapsed;
        }
        finally
        {
            await redis.StartAsync();
        }
        var logged = A.Logs.GetSnapshot();

        attempts.Should().BeGreaterThan(20);
        refusals.Should().OnlyContain(m => m.Contains("503"), "each attempt is refused as unavailable, not failed");
        logged.Should().NotContain(e => e.Level >= LogLevel.Error, "a listener retrying is not the portal's fault");
        var lines = logged.Where(e => e.Message.Contains("new hub connection", StringComparison.Ordinal)).ToList();
        lines.Count.Should().BeInRange(1, (int)elapsed.TotalSeconds + 1, "at most one line a second");
        lines.Sum(e => int.Parse(e.StructuredState!.Single(p => p.Key == "Count").Value!, System.Globalization.CultureInfo.InvariantCulture))
            .Should().BeLessThanOrEqualTo(attempts, "each line counts the refusals since the one before");
        logged.Count(e => e.Level >= LogLevel.Warning).Should().BeLessThanOrEqualTo(lines.Count + 2, "nothing else repeats per attempt");

        await EveryInstanceBackOnRedisAsync();
    }

    /// <summary>After an outage: every instance on Redis again before the next test opens a hub connection on any of them.</summary>
    private async Task EveryInstanceBackOnRedisAsync()
    {
        foreach (var instance in new[] { A, B, instances.RedisOnly! })
            await Eventually.AssertAsync(async () => (await RedisReadinessAsync(instance)).Should().Be("Healthy"), TimeSpan.FromSeconds(60));
    }

    /// <summary>The Redis check's status in <c>/readyz</c>, which answers 200 while Redis is only degraded.</summary>
    private static async Task<string> RedisReadinessAsync(PortalServer host)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(host.BaseAddress, "readyz"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString()!;
    }
}
