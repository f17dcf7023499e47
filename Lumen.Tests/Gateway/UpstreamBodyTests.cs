using System.Text;
using System.Text.Json.Nodes;
using Lumen.Infrastructure.Gateway.Chat;
using Lumen.Infrastructure.Gateway.Responses;

namespace Lumen.Tests.Gateway;

/// <summary>
/// The body a call sends upstream, written in one pass (issue #31): the caller's, field for field, with the
/// upstream's model id and what the operation sets over the caller's.
/// </summary>
public sealed class UpstreamBodyTests
{
    private const string Caller = """
        {"model":"llama","messages":[{"role":"user","content":"héllo \ud83d\ude00 \"quoted\""}],"temperature":0.25,
         "stream":true,"stream_options":{"include_usage":false},"tools":[{"type":"function","function":{"name":"f","parameters":{}}}],"user":null}
        """;

    [Fact]
    public void A_streamed_chat_goes_up_with_the_upstream_model_and_asks_for_usage_keeping_everything_else()
    {
        var request = ChatRequest.From(JsonNode.Parse(Caller)!.AsObject()).Request!;

        var sent = JsonNode.Parse(Encoding.UTF8.GetString(request.UpstreamBody("meta/llama-3.1-8b").Span))!.AsObject();

        sent["model"]!.GetValue<string>().Should().Be("meta/llama-3.1-8b");
        sent["stream_options"]!.ToJsonString().Should().Be("""{"include_usage":true}""");
        var expected = JsonNode.Parse(Caller)!.AsObject();
        foreach (var name in new[] { "messages", "temperature", "stream", "tools", "user" })
            JsonNode.DeepEquals(sent[name], expected[name]).Should().BeTrue(name);
        sent.Select(p => p.Key).Should().BeEquivalentTo(expected.Select(p => p.Key), "nothing added, nothing lost");
    }

    [Fact]
    public void A_responses_call_goes_up_unstored_said_outright()
    {
        var request = ResponsesRequest.From(JsonNode.Parse("""{"model":"llama","input":"hi","store":false}""")!.AsObject()).Request!;

        var sent = JsonNode.Parse(Encoding.UTF8.GetString(request.UpstreamBody("up").Span))!.AsObject();

        sent.ToJsonString().Should().Be("""{"model":"up","input":"hi","store":false}""");
        var unsaid = ResponsesRequest.From(JsonNode.Parse("""{"model":"llama","input":"hi"}""")!.AsObject()).Request!;
        Encoding.UTF8.GetString(unsaid.UpstreamBody("up").Span).Should().Be("""{"model":"up","input":"hi","store":false}""");
    }
}
