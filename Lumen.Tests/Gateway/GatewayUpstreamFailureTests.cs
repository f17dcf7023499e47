using System.Net.Http.Headers;
using System.Text;
using OpenAI.Chat;
using static Lumen.Tests.Gateway.GatewayAssertions;

namespace Lumen.Tests.Gateway;

/// <summary>Upstream failures are 502/503, logged and never charged; a caller that leaves mid-stream pays for what it got.</summary>
[Collection(GatewayTestGroup.Name)]
public sealed class GatewayUpstreamFailureTests(GatewayHost host)
{
    [Theory]
    [InlineData("flaky", 502, "upstream_error", true)]         // the upstream answers 500
    [InlineData("offline", 503, "upstream_unavailable", true)]  // nothing listens on the endpoint's port
    [InlineData("hollow", 503, "upstream_unavailable", true)]   // a model with no endpoint to send to
    [InlineData("slowpoke", 504, "upstream_timeout", false)]    // no answer within the gateway's timeout (§15; its stream starts at once)
    public async Task An_upstream_failure_is_reported_logged_and_not_charged(string model, int status, string code, bool streamedToo)
    {
        var client = await host.NewClientAsync();

        await client.Chat(model).RefusedAsync(status, code);
        if (streamedToo)
        {
            await RefusedAsync(() => client.Chat(model).CompleteChatStreamingAsync(Hello).GetAsyncEnumerator().MoveNextAsync().AsTask(),
                status, code);
        }

        await AssertFailedAndUnchargedAsync(client, model, status, code, calls: streamedToo ? 2 : 1);
    }

    [Fact]
    public async Task A_stream_the_upstream_drops_breaks_off_with_an_error_and_is_not_charged()
    {
        var client = await host.NewClientAsync();

        var (events, broken) = await RawStreamAsync(client.Key, """{"model":"dropper","stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        broken.Should().BeTrue("the connection breaks off as the upstream's did");
        events.Should().NotContain("[DONE]");
        events.Count(e => e.Contains("\"content\"", StringComparison.Ordinal)).Should().BeGreaterThan(1, "what came before the break was passed on");
        await AssertFailedAndUnchargedAsync(client, "dropper", 502, "upstream_error", calls: 1);
    }

    [Fact]
    public async Task The_SDK_sees_a_dropped_stream_fail()
    {
        var client = await host.NewClientAsync();

        var dropped = false;
        var read = async () =>
        {
            await foreach (var update in client.Chat("dropper").CompleteChatStreamingAsync(Hello))
            {
                if (dropped || !update.ContentUpdate.Any(p => p.Text.Length > 0)) continue;
                host.Upstream.Drop();
                dropped = true;
            }
        };

        await read.Should().ThrowAsync<IOException>("a broken stream must not look like a complete answer");
        await AssertFailedAndUnchargedAsync(client, "dropper", 502, "upstream_error", calls: 1);
    }

    [Fact]
    public async Task A_caller_that_leaves_mid_stream_is_charged_for_what_was_produced()
    {
        var client = await host.NewClientAsync();
        var received = new StringBuilder();
        // A caller that goes away: its HTTP client closes the connection instead of draining the rest to reuse it.
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 });
        var chat = host.Sdk(client.Key, http).GetChatClient("slowpoke");

        await foreach (var update in chat.CompleteChatStreamingAsync(Hello))
        {
            foreach (var part in update.ContentUpdate) received.Append(part.Text);
            if (received.Length > 0) break; // leaves after the first words
        }

        var row = (await client.LogAsync(1)).Single();
        var pool = await client.PoolAsync();
        (row.Status, row.ErrorCode, row.Outcome).Should().Be((499, "client_closed", "client_closed"), "§15: the caller went away");
        row.OutputTokens.Should().BeGreaterThan(0).And.BeLessThan(FakeUpstream.OutputTokens, "the answer was cut short");
        row.InputTokens.Should().BeGreaterThan(0);
        row.CoinsMicros.Should().BeGreaterThan(0);
        pool.Requests.Should().Be(1);
        pool.OutputTokens.Should().Be(row.OutputTokens);
        pool.CoinsSpentMicros.Should().Be(row.CoinsMicros);
        pool.BalanceMicros.Should().Be(100_000_000 - row.CoinsMicros);
    }

    private static async Task AssertFailedAndUnchargedAsync(TestClient client, string model, int status, string code, int calls)
    {
        var log = await client.LogAsync(calls);
        var pool = await client.PoolAsync();
        log.Should().HaveCount(calls).And.OnlyContain(r =>
            r.Status == status && r.ErrorCode == code && r.Model == model && r.CoinsMicros == 0 && r.ApiKeyId == client.KeyId);
        pool.Requests.Should().Be(0);
        pool.CoinsSpentMicros.Should().Be(0);
        pool.BalanceMicros.Should().Be(100_000_000);
    }

    /// <summary>Posts a streamed request and reads the data of each server-sent event until the stream ends or breaks.</summary>
    private async Task<(IReadOnlyList<string> Events, bool Broken)> RawStreamAsync(string key, string json)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<string>();
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal)) continue;
                events.Add(line[5..].Trim());
                if (line.Contains("\"content\":\"Hello", StringComparison.Ordinal)) host.Upstream.Drop();
            }
            return (events, false);
        }
        catch (IOException)
        {
            return (events, true);
        }
    }
}
