using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using static Lumen.Tests.Gateway.GatewayAssertions;

namespace Lumen.Tests.Gateway;

/// <summary>Streamed and relayed completions: what the SDK receives, what the upstream was sent, and round-robin.</summary>
[Collection(GatewayTestGroup.Name)]
public sealed class GatewayStreamingTests(GatewayHost host)
{
    [Fact]
    public async Task The_dummy_model_streams_its_answer_and_ends_with_usage()
    {
        var client = await host.NewClientAsync();
        var chat = client.Chat("dummy");
        ChatCompletion whole = await chat.CompleteChatAsync([new UserChatMessage("stream me")]);

        var (text, usage, pieces) = await StreamAsync(chat, [new UserChatMessage("stream me")]);

        text.Should().Be(whole.Content.Single().Text);
        pieces.Should().BeGreaterThan(1, "the answer comes in pieces");
        usage.Should().NotBeNull();
        usage!.InputTokenCount.Should().Be(whole.Usage.InputTokenCount);
        usage.OutputTokenCount.Should().Be(whole.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task An_upstream_answer_is_relayed_under_our_model_name()
    {
        var client = await host.NewClientAsync();
        var sent = host.Upstream.Requests.Count;

        ChatCompletion answer = await client.Chat("llama").CompleteChatAsync(Hello);

        answer.Content.Single().Text.Should().Be(FakeUpstream.Answer);
        answer.Model.Should().Be("llama");
        answer.Usage.InputTokenCount.Should().Be((int)FakeUpstream.InputTokens);
        answer.Usage.OutputTokenCount.Should().Be((int)FakeUpstream.OutputTokens);
        var request = host.Upstream.Requests.Skip(sent).Single();
        request.Tag.Should().Be("normal-llama");
        request.Body["model"]!.GetValue<string>().Should().Be("llama-upstream", "the endpoint's own model id is sent upstream");
        request.Body["messages"]![0]!["content"]!.GetValue<string>().Should().Be("hi");
    }

    [Fact]
    public async Task A_stream_that_arrives_in_awkward_pieces_is_passed_on_intact_and_charged_its_usage()
    {
        var client = await host.NewClientAsync();

        var answer = await RawAnswer.PostAsync(host.BaseAddress, client.Key, RawAnswer.Chat("ragged", stream: true));

        answer.Status.Should().Be(200);
        answer.Broken.Should().BeFalse();
        answer.Done.Should().BeTrue("the last line, [DONE] without a line break, is passed on too");
        var chunks = answer.Events.Where(e => e != "[DONE]").Select(e => JsonNode.Parse(e)!).ToList();
        string.Concat(chunks.Select(c => c["choices"]!.AsArray().FirstOrDefault()?["delta"]?["content"]?.GetValue<string>()))
            .Should().Be(string.Concat(FakeUpstream.RaggedPieces), "every event arrives intact, multi-byte characters too");
        chunks.Last()["usage"]!["completion_tokens"]!.GetValue<long>().Should().Be(FakeUpstream.OutputTokens);
        chunks.Select(c => c["model"]!.GetValue<string>()).Should().OnlyContain(m => m == "ragged", "each chunk names the model as called, not the server's id");
        var row = (await client.LogAsync(1)).Single();
        (row.Status, row.InputTokens, row.OutputTokens).Should().Be((200, FakeUpstream.InputTokens, FakeUpstream.OutputTokens));
        (await client.PoolAsync()).CoinsSpentMicros.Should().Be(GatewayHost.UpstreamCallMicros);
    }

    [Fact]
    public async Task An_upstream_stream_is_passed_on_with_its_usage()
    {
        var client = await host.NewClientAsync();
        var sent = host.Upstream.Requests.Count;

        var (text, usage, pieces) = await StreamAsync(client.Chat("llama"), Hello);

        text.Should().Be(FakeUpstream.Answer);
        pieces.Should().Be(FakeUpstream.Pieces.Count);
        usage.Should().NotBeNull();
        usage!.InputTokenCount.Should().Be((int)FakeUpstream.InputTokens);
        usage.OutputTokenCount.Should().Be((int)FakeUpstream.OutputTokens);
        var request = host.Upstream.Requests.Skip(sent).Single();
        request.Body["stream"]!.GetValue<bool>().Should().BeTrue();
        request.Body["stream_options"]!["include_usage"]!.GetValue<bool>().Should().BeTrue();
        var row = (await client.LogAsync(1)).Single();
        (row.Status, row.InputTokens, row.OutputTokens, row.CoinsMicros).Should().Be((200, 100L, 20L, GatewayHost.UpstreamCallMicros));
    }

    [Fact]
    public async Task A_caller_that_did_not_ask_for_usage_still_gets_it_and_is_charged_by_it()
    {
        var client = await host.NewClientAsync();
        var sent = host.Upstream.Requests.Count;

        var events = await RawStreamAsync(client.Key, """{"model":"llama","stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        events[^1].Should().Be("[DONE]");
        var usage = JsonNode.Parse(events[^2])!["usage"]!;
        usage["prompt_tokens"]!.GetValue<long>().Should().Be(FakeUpstream.InputTokens);
        usage["completion_tokens"]!.GetValue<long>().Should().Be(FakeUpstream.OutputTokens);
        host.Upstream.Requests.Skip(sent).Single().Body["stream_options"]!["include_usage"]!.GetValue<bool>().Should().BeTrue();
        (await client.LogAsync(1)).Single().CoinsMicros.Should().Be(GatewayHost.UpstreamCallMicros);
    }

    [Fact]
    public async Task Calls_to_a_model_alternate_between_its_endpoints()
    {
        var client = await host.NewClientAsync();
        var sent = host.Upstream.Requests.Count;

        for (var i = 0; i < 4; i++) await client.Chat("twin").CompleteChatAsync(Hello);

        var tags = host.Upstream.Requests.Skip(sent).Select(r => r.Tag).ToList();
        tags.Should().HaveCount(4);
        tags.Distinct().Should().BeEquivalentTo("normal-twin-a", "normal-twin-b");
        tags.Zip(tags.Skip(1)).Should().OnlyContain(p => p.First != p.Second, "each call goes to the other endpoint");
    }

    [Fact]
    public async Task Each_model_keeps_its_own_turn_when_calls_to_models_interleave()
    {
        var client = await host.NewClientAsync();
        var sent = host.Upstream.Requests.Count;

        for (var i = 0; i < 4; i++)
        {
            await client.Chat("twin").CompleteChatAsync(Hello);
            await client.Chat("pair").CompleteChatAsync(Hello);
        }

        var requests = host.Upstream.Requests.Skip(sent).ToList();
        foreach (var model in new[] { "twin", "pair" })
        {
            var tags = requests.Where(r => r.Tag.Contains(model, StringComparison.Ordinal)).Select(r => r.Tag).ToList();
            tags.Should().HaveCount(4);
            tags.Distinct().Should().HaveCount(2, $"{model} has two endpoints and both get calls");
            tags.Zip(tags.Skip(1)).Should().OnlyContain(p => p.First != p.Second, $"{model}'s calls alternate");
        }
    }

    internal static async Task<(string Text, ChatTokenUsage? Usage, int Pieces)> StreamAsync(ChatClient chat, IEnumerable<ChatMessage> messages)
    {
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        var pieces = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync(messages))
        {
            foreach (var part in update.ContentUpdate)
            {
                if (part.Text.Length == 0) continue;
                text.Append(part.Text);
                pieces++;
            }
            usage = update.Usage ?? usage;
        }
        return (text.ToString(), usage, pieces);
    }

    /// <summary>Posts a request and returns the data of each server-sent event.</summary>
    internal async Task<IReadOnlyList<string>> RawStreamAsync(string key, string json)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var body = await response.Content.ReadAsStringAsync();
        return body.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].Trim()).ToList();
    }
}
