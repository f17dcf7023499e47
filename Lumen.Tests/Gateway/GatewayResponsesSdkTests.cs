using System.Text;
using OpenAI.Responses;

// The SDK's Responses client is marked experimental (OPENAI001); it is the client this file tests /v1/responses with.
#pragma warning disable OPENAI001

namespace Lumen.Tests.Gateway;

/// <summary>/v1/responses through the official SDK's Responses client, whole and streamed, dummy and proxied.</summary>
[Collection(GatewayTestGroup.Name)]
public sealed class GatewayResponsesSdkTests(GatewayHost host)
{
    [Theory]
    [InlineData("dummy", false)]
    [InlineData("dummy", true)]
    [InlineData("llama", false)]
    [InlineData("llama", true)]
    public async Task Responses_answer_through_the_SDK_with_their_usage(string model, bool stream)
    {
        var client = await host.NewClientAsync();
        var responses = host.Sdk(client.Key).GetResponsesClient();
        var options = new CreateResponseOptions(model, [ResponseItem.CreateUserMessageItem("ping")]) { StreamingEnabled = stream };

        string text;
        ResponseTokenUsage usage;
        string named;
        if (!stream)
        {
            ResponseResult result = await responses.CreateResponseAsync(options);
            (text, usage, named) = (result.GetOutputText(), result.Usage, result.Model);
        }
        else
        {
            var deltas = new StringBuilder();
            ResponseResult? completed = null;
            await foreach (var update in await responses.CreateResponseStreamingAsync(options))
            {
                if (update is StreamingResponseOutputTextDeltaUpdate delta) deltas.Append(delta.Delta);
                if (update is StreamingResponseCompletedUpdate done) completed = done.Response;
            }
            completed.Should().NotBeNull("the stream ends with response.completed");
            (text, usage, named) = (deltas.ToString(), completed!.Usage, completed.Model);
        }

        named.Should().Be(model, "the answer names the model as called, not the server's id (llama-upstream)");
        text.Should().Be(model == "dummy" ? "Hello from the Lumen dummy model. You said: ping" : FakeUpstream.Answer);
        var row = (await client.LogAsync(1)).Single();
        (row.Operation, row.Outcome, row.InputTokens, row.OutputTokens).Should().Be(("responses", "ok", (long)usage.InputTokenCount, (long)usage.OutputTokenCount));
        row.CoinsMicros.Should().Be(model == "dummy" ? 0 : GatewayHost.UpstreamCallMicros);
        if (model == "llama") host.Upstream.Requests.Last(r => r.Tag == "normal-llama").Body["store"]!.GetValue<bool>().Should().BeFalse();
    }

}
