using System.Net;
using System.Text.Json;
using Lumen.Infrastructure.Gateway.Capacity;
using Lumen.Tests.Browser;
using Lumen.Tests.Gateway.Capacity;
using Lumen.Tests.Portal.Site;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Instances;

/// <summary>
/// §20 over several instances: with Redis, an endpoint's <c>max_concurrent</c> is the total over all of them, a crashed
/// instance's slots come back within the lease, and with Redis stopped each instance applies the cap by itself.
/// </summary>
public sealed class SharedSlotsTests(SlotInstances instances) : IClassFixture<SlotInstances>, IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    private SlotInstance A => instances.A;
    private SlotInstance B => instances.B;

    [Fact]
    public async Task Two_instances_together_never_send_an_endpoint_more_than_its_max_concurrent()
    {
        var endpoint = instances.Endpoints["shared"];
        endpoint.Close();
        var calls = Enumerable.Range(0, 8).Select(i => CallAsync(i % 2 == 0 ? A.BaseAddress : B.BaseAddress, "shared", $"S{i}")).ToList();
        await CapacityHost.UntilAsync(() => Waiting(A, "shared") + Waiting(B, "shared") == 6, "six calls to wait on the two instances");
        endpoint.InFlight.Should().Be(SlotInstances.MaxConcurrent);

        endpoint.Open();
        (await Task.WhenAll(calls)).Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);

        endpoint.Most.Should().Be(SlotInstances.MaxConcurrent, "the two instances share the endpoint's slots through Redis");
        endpoint.Arrivals.Should().HaveCount(8);
    }

    [Fact]
    public async Task A_killed_instances_slots_come_back_when_their_leases_expire()
    {
        var endpoint = instances.Endpoints["crash"];
        endpoint.Close();
        var (process, address) = await instances.StartProcessInstanceAsync();
        Task<HttpResponseMessage>[] doomed;
        try
        {
            doomed = [CallAsync(address, "crash", "P0"), CallAsync(address, "crash", "P1")];
            await CapacityHost.UntilAsync(() => endpoint.InFlight == 2, "the process instance's two calls at the endpoint");
            var waiting = CallAsync(A.BaseAddress, "crash", "after");
            await CapacityHost.UntilAsync(() => Waiting(A, "crash") == 1, "A's call to wait: the process holds both slots");

            process.Kill();
            await process.WaitForExitAsync();
            endpoint.Open();

            // Queue bound 15 s, lease 2 s: only slots that came back with their leases' expiry let it through.
            var answer = await waiting;
            answer.StatusCode.Should().Be(HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
            endpoint.Arrivals.Should().HaveCount(3).And.EndWith("after");
        }
        finally
        {
            if (!process.HasExited) process.Kill();
            process.Dispose();
        }
        foreach (var call in doomed) await FluentActions.Awaiting(() => call).Should().ThrowAsync<HttpRequestException>();
    }

    [Fact]
    public async Task With_Redis_stopped_calls_go_on_under_each_instances_own_cap_and_readyz_says_degraded()
    {
        var endpoint = instances.Endpoints["outage"];
        await instances.Redis.StopAsync();
        try
        {
            foreach (var instance in new[] { A, B })
                await Eventually.AssertAsync(async () => (await RedisReadinessAsync(instance)).Should().Be("Degraded"), TimeSpan.FromSeconds(30));
            endpoint.Close();
            var calls = Enumerable.Range(0, 8).Select(i => CallAsync(i % 2 == 0 ? A.BaseAddress : B.BaseAddress, "outage", $"O{i}")).ToList();
            await CapacityHost.UntilAsync(() => Waiting(A, "outage") == 2 && Waiting(B, "outage") == 2, "two calls to wait on each instance");
            await CapacityHost.UntilAsync(() => endpoint.InFlight == 2 * SlotInstances.MaxConcurrent, "each instance's two calls at the endpoint");

            endpoint.Open();
            (await Task.WhenAll(calls)).Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);
            endpoint.Most.Should().Be(2 * SlotInstances.MaxConcurrent, "without Redis each instance applies max_concurrent by itself");
        }
        finally
        {
            await instances.Redis.StartAsync();
        }
        foreach (var instance in new[] { A, B })
            await Eventually.AssertAsync(async () => (await RedisReadinessAsync(instance)).Should().Be("Healthy"), TimeSpan.FromSeconds(60));
    }

    private static int Waiting(SlotInstance instance, string model) => instance.Services.GetRequiredService<EndpointCapacity>().Waiting(model);

    private Task<HttpResponseMessage> CallAsync(Uri instance, string model, string tag) =>
        TaggedCall.SendAsync(_http, instance, instances.Key, model, tag);

    private static async Task<string> RedisReadinessAsync(PortalServer host)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(host.BaseAddress, "readyz"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString()!;
    }

    public void Dispose() => _http.Dispose();
}
