using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Embeddings;

namespace Lumen.Tests.Gateway;

/// <summary>
/// Embeddings, legacy completions and responses (§15) through the one call path: answers and usage as the official SDK
/// reads them (raw HTTP for completions, which it has no client for), charges of exactly tokens × prices, log rows with
/// their operation, and §10's refusals per endpoint.
/// </summary>
[Collection(GatewayTestGroup.Name)]
public sealed class GatewayOperationsTests(GatewayHost host)
{
    [Fact]
    public async Task Dummy_embeddings_are_deterministic_unit_vectors_in_float_and_base64()
    {
        var client = await host.NewClientAsync();
        var sdk = host.Sdk(client.Key).GetEmbeddingClient("dummy"); // the SDK asks for base64 by default

        OpenAIEmbeddingCollection first = await sdk.GenerateEmbeddingsAsync(["hello", "world"]);
        OpenAIEmbeddingCollection again = await sdk.GenerateEmbeddingsAsync(["hello"]);
        var floats = await RawAnswer.PostAsync(host.BaseAddress, client.Key, """{"model":"dummy","input":"hello","encoding_format":"float"}""", "/v1/embeddings");

        var hello = first[0].ToFloats().ToArray();
        hello.Should().HaveCount(16).And.Equal(again[0].ToFloats().ToArray());
        hello.Should().Equal(Expected("hello", 16), "the vector is SHA-256 of the text, mapped to [-1, 1] and scaled to length 1");
        first[1].ToFloats().ToArray().Should().NotEqual(hello);
        Math.Sqrt(hello.Sum(v => (double)v * v)).Should().BeApproximately(1, 1e-6);
        floats.Status.Should().Be(200);
        floats.Body!["data"]![0]!["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).Should().Equal(hello, "float and base64 carry the same vector");
        var log = await client.LogAsync(3);
        log.Should().HaveCount(3).And.OnlyContain(r => r.Operation == "embeddings" && r.Outcome == "ok" && r.OutputTokens == 0);
        first.Usage.InputTokenCount.Should().Be((int)log[0].InputTokens).And.Be(4, "'hello' and 'world' are 2 tokens each by estimate");
    }

    [Theory]
    [InlineData("dummy")]
    [InlineData("llama")]
    public async Task More_than_2048_embedding_inputs_are_a_400_naming_the_limit(string model)
    {
        var client = await host.NewClientAsync();
        string Inputs(int count) => $$"""{"model":"{{model}}","input":[{{string.Join(",", Enumerable.Repeat("\"\"", count))}}]}""";

        var over = await RawAnswer.PostAsync(host.BaseAddress, client.Key, Inputs(2049), "/v1/embeddings");
        var at = await RawAnswer.PostAsync(host.BaseAddress, client.Key, Inputs(2048), "/v1/embeddings");

        over.Status.Should().Be(400);
        over.ShouldBeError("invalid_request_error", "invalid_request")["message"]!.GetValue<string>().Should().Contain("2048");
        at.Status.Should().Be(200, "2048 inputs are within OpenAI's bound");
        if (model == "dummy") at.Body!["data"]!.AsArray().Should().HaveCount(2048);
        (await client.LogAsync(2)).Select(r => r.Status).Should().Equal(400, 200);
    }

    [Fact]
    public async Task Embeddings_through_an_upstream_are_charged_their_prompt_tokens_exactly()
    {
        var client = await host.NewClientAsync();

        OpenAIEmbeddingCollection answer = await host.Sdk(client.Key).GetEmbeddingClient("llama").GenerateEmbeddingsAsync(["hello"]);

        answer[0].ToFloats().ToArray().Should().Equal(FakeOperations.Vector);
        answer.Usage.InputTokenCount.Should().Be((int)FakeUpstream.InputTokens);
        var row = (await client.LogAsync(1)).Single();
        (row.Operation, row.InputTokens, row.OutputTokens, row.CoinsMicros).Should().Be(("embeddings", FakeUpstream.InputTokens, 0L, 50L),
            "100 prompt tokens at 0.5 coins per million is 50 micro-coins");
        (await client.PoolAsync()).CoinsSpentMicros.Should().Be(50);
        host.Upstream.Requests.Last(r => r.Tag == "normal-llama").Body["model"]!.GetValue<string>().Should().Be("llama-upstream");
    }

    [Theory]
    [InlineData("dummy", false)]
    [InlineData("dummy", true)]
    [InlineData("llama", false)]
    [InlineData("llama", true)]
    public async Task Legacy_completions_answer_whole_and_streamed(string model, bool stream)
    {
        var client = await host.NewClientAsync();

        var answer = await RawAnswer.PostAsync(host.BaseAddress, client.Key,
            $$"""{"model":"{{model}}","prompt":"ping","stream":{{(stream ? "true" : "false")}}}""", "/v1/completions");

        answer.Status.Should().Be(200);
        var row = (await client.LogAsync(1)).Single();
        (row.Operation, row.Outcome).Should().Be(("completions", "ok"));
        if (model == "llama") (row.InputTokens, row.OutputTokens, row.CoinsMicros).Should().Be((FakeUpstream.InputTokens, FakeUpstream.OutputTokens, GatewayHost.UpstreamCallMicros));
        if (stream)
        {
            answer.Done.Should().BeTrue();
            var chunks = answer.Events.Where(e => e != "[DONE]").Select(e => JsonNode.Parse(e)!).ToList();
            string.Concat(chunks.Select(c => c["choices"]!.AsArray().FirstOrDefault()?["text"]?.GetValue<string>()))
                .Should().Be(model == "dummy" ? "Hello from the Lumen dummy model. You said: ping" : FakeUpstream.Answer);
            chunks.Last()["usage"]!["completion_tokens"]!.GetValue<long>().Should().Be(row.OutputTokens);
        }
    }

    [Theory]
    [InlineData("/v1/embeddings", """{"model":"MODEL","input":"hi"}""", "embeddings")]
    [InlineData("/v1/completions", """{"model":"MODEL","prompt":"hi"}""", "completions")]
    [InlineData("/v1/responses", """{"model":"MODEL","input":"hi"}""", "responses")]
    public async Task Every_endpoint_refuses_as_chat_does_and_logs_its_operation(string path, string body, string operation)
    {
        var client = await host.NewClientAsync();
        var broke = await host.NewClientAsync($"broke-{operation}");

        async Task<RawAnswer> CallAsync(TestClient c, string model) =>
            await RawAnswer.PostAsync(host.BaseAddress, c.Key, Encoding.UTF8.GetBytes(body.Replace("MODEL", model, StringComparison.Ordinal)), path);

        (await CallAsync(client, "banned")).ShouldBeError("permission_denied", "model_not_allowed");
        (await CallAsync(client, "secret")).ShouldBeError("permission_denied", "consent_required");
        (await CallAsync(client, "no-such-model")).ShouldBeError("invalid_request_error", "model_not_found");
        (await CallAsync(broke, "dummy")).ShouldBeError("insufficient_quota", "insufficient_quota");
        (await CallAsync(client, "noroute")).ShouldBeError("invalid_request_error", "model_not_found")["message"]!.GetValue<string>().Should().Contain(operation);

        var log = await client.LogAsync(4);
        log.Select(r => r.Outcome).Should().Equal("refused_access", "refused_consent", "refused_access", "upstream_error");
        log.Should().OnlyContain(r => r.Operation == operation);
        (await broke.LogAsync(1)).Single().Should().Match<Lumen.Infrastructure.Persistence.RequestLogRow>(r => r.Operation == operation && r.Outcome == "refused_budget");
    }

    [Theory]
    [InlineData("""{"model":"dummy","input":"hi","store":true}""")]
    [InlineData("""{"model":"dummy","input":"hi","previous_response_id":"resp_123"}""")]
    public async Task Responses_that_would_need_storage_are_refused(string body)
    {
        var client = await host.NewClientAsync();

        var answer = await RawAnswer.PostAsync(host.BaseAddress, client.Key, Encoding.UTF8.GetBytes(body), "/v1/responses");

        answer.Status.Should().Be(400);
        answer.ShouldBeError("invalid_request_error", "invalid_request")["message"]!.GetValue<string>().Should().Contain("stores no responses");
    }

    [Fact]
    public async Task A_model_is_found_by_an_id_that_holds_slashes_and_only_when_the_list_would_hold_it()
    {
        var client = await host.NewClientAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", client.Key);

        using var found = await http.GetAsync(new Uri("/v1/models/org/slashed-model", UriKind.Relative));
        using var banned = await http.GetAsync(new Uri("/v1/models/banned", UriKind.Relative));
        var sdk = (await host.Sdk(client.Key).GetOpenAIModelClient().GetModelAsync("dummy")).Value;

        found.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        JsonNode.Parse(await found.Content.ReadAsStringAsync())!["id"]!.GetValue<string>().Should().Be("org/slashed-model");
        banned.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
        JsonNode.Parse(await banned.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>().Should().Be("model_not_found");
        sdk.Id.Should().Be("dummy");
    }

    /// <summary>The dummy's vector, computed here on its own: SHA-256 of the text and block 0, bytes to [-1, 1], unit length.</summary>
    private static float[] Expected(string text, int dimensions)
    {
        var hash = SHA256.HashData([.. Encoding.UTF8.GetBytes(text), 0, 0]);
        var raw = hash.Take(dimensions).Select(b => (b - 127.5) / 127.5).ToArray();
        var length = Math.Sqrt(raw.Sum(v => v * v));
        return [.. raw.Select(v => (float)(v / length))];
    }
}
