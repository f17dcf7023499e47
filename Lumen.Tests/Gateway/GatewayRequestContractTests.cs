using System.Net;
using System.Text;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using static Lumen.Tests.Gateway.GatewayAssertions;

namespace Lumen.Tests.Gateway;

/// <summary>
/// §15's rows about what the caller sends and what its budget says: bad bodies are 400/413 in OpenAI's shape (never a
/// page), our own 429 says when to come back, and a budget that admits nothing lists no models.
/// </summary>
[Collection(GatewayTestGroup.Name)]
public sealed class GatewayRequestContractTests(GatewayHost host)
{
    public static TheoryData<string, byte[]> BadBodies => new()
    {
        { "messages that are not objects", Encoding.UTF8.GetBytes("""{"model":"dummy","messages":[1,"two",null]}""") },
        { "text that is not UTF-8", [.. Encoding.UTF8.GetBytes("""{"model":"dummy","messages":[{"role":"user","content":"caf"""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}]}")] },
        { "not JSON", Encoding.UTF8.GetBytes("model=dummy") },
        { "a JSON array", Encoding.UTF8.GetBytes("""[{"model":"dummy"}]""") },
        { "a model of the wrong type", Encoding.UTF8.GetBytes("""{"model":7,"messages":[{"role":"user","content":"hi"}]}""") },
        { "a stream flag of the wrong type", Encoding.UTF8.GetBytes("""{"model":"dummy","stream":"yes","messages":[{"role":"user","content":"hi"}]}""") },
        { "no messages", Encoding.UTF8.GetBytes("""{"model":"dummy"}""") },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_body_not_of_the_endpoints_shape_is_a_400_logged_once(string what, byte[] body)
    {
        var client = await host.NewClientAsync();

        var answer = await RawAnswer.PostAsync(host.BaseAddress, client.Key, body);

        answer.Status.Should().Be(400, what);
        answer.ShouldBeError("invalid_request_error", "invalid_request");
        var row = (await client.LogAsync(1)).Should().ContainSingle().Subject;
        (row.Status, row.ErrorCode, row.Outcome, row.CoinsMicros).Should().Be((400, "invalid_request", "invalid_request", 0L));
    }

    public static TheoryData<string, string, string> FieldsOfTheWrongType => new()
    {
        { "/v1/responses", """{"model":"dummy","input":[{"role":"user","content":5}]}""", "input[0].content" },
        { "/v1/chat/completions", """{"model":"dummy","messages":[{"role":"user","content":5}]}""", "messages[0].content" },
        { "/v1/chat/completions", """{"model":"dummy","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}""", "max_tokens" },
        { "/v1/chat/completions", """{"model":"dummy","max_tokens":"5","messages":[{"role":"user","content":"hi"}]}""", "max_tokens" },
        { "/v1/chat/completions", """{"model":"dummy","max_completion_tokens":1.5,"messages":[{"role":"user","content":"hi"}]}""", "max_completion_tokens" },
        { "/v1/completions", """{"model":"dummy","max_tokens":-1,"prompt":"hi"}""", "max_tokens" },
        { "/v1/responses", """{"model":"dummy","max_output_tokens":true,"input":"hi"}""", "max_output_tokens" },
    };

    [Theory]
    [MemberData(nameof(FieldsOfTheWrongType))]
    public async Task A_field_of_the_wrong_type_is_a_400_naming_it_logged_once(string path, string body, string field)
    {
        var client = await host.NewClientAsync();

        var answer = await RawAnswer.PostAsync(host.BaseAddress, client.Key, body, path);

        answer.Status.Should().Be(400, body);
        answer.ShouldBeError("invalid_request_error", "invalid_request")["message"]!.GetValue<string>().Should().Contain($"'{field}'");
        var row = (await client.LogAsync(1)).Should().ContainSingle().Subject;
        (row.Status, row.Outcome, row.CoinsMicros).Should().Be((400, "invalid_request", 0L));
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"dummy","max_tokens":5,"max_completion_tokens":7,"messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"dummy","messages":[{"role":"assistant","content":null},{"role":"user","content":"hi"}]}""")]
    [InlineData("/v1/completions", """{"model":"dummy","max_tokens":5,"prompt":"hi"}""")]
    [InlineData("/v1/responses", """{"model":"dummy","max_output_tokens":16,"input":[{"role":"user","content":[{"type":"input_text","text":"hi"}]}]}""")]
    public async Task Token_limits_that_are_positive_integers_and_content_of_a_right_type_are_answered(string path, string body)
    {
        var client = await host.NewClientAsync();

        (await RawAnswer.PostAsync(host.BaseAddress, client.Key, body, path)).Status.Should().Be(200);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // chunked: no Content-Length to refuse it by, so the read itself stops at the limit
    public async Task A_body_over_the_limit_is_a_413(bool withLength)
    {
        var client = await host.NewClientAsync();
        var padding = new string('x', 1_100_000); // over the tests' Gateway:MaxRequestBytes of 1 MiB
        var json = Encoding.UTF8.GetBytes($$"""{"model":"dummy","messages":[{"role":"user","content":"{{padding}}"}]}""");

        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using HttpContent content = withLength ? new ByteArrayContent(json) : new StreamContent(new MemoryStream(json));
        content.Headers.ContentType = new("application/json");
        if (!withLength) content.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.Authorization = new("Bearer", client.Key);
        if (!withLength) request.Headers.TransferEncodingChunked = true;
        using var response = await http.SendAsync(request);
        var error = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (error["type"]!.GetValue<string>(), error["code"]!.GetValue<string>()).Should().Be(("invalid_request_error", "request_too_large"));
        var row = (await client.LogAsync(1)).Should().ContainSingle().Subject;
        (row.Status, row.ErrorCode, row.Outcome).Should().Be((413, "request_too_large", "invalid_request"));
    }

    [Fact]
    public async Task Our_429_says_when_refill_lifts_the_balance_and_is_silent_when_it_never_will()
    {
        var refilling = await host.NewClientAsync("refilling"); // 0 coins, refilling a micro-coin every 10 s
        var drained = await host.NewClientAsync("drained");     // 0 coins, no refill
        var blocked = await host.NewClientAsync("broke-retry");

        var soon = await RawAnswer.PostAsync(host.BaseAddress, refilling.Key, RawAnswer.Chat("dummy"));
        var never = await RawAnswer.PostAsync(host.BaseAddress, drained.Key, RawAnswer.Chat("dummy"));
        var none = await RawAnswer.PostAsync(host.BaseAddress, blocked.Key, RawAnswer.Chat("dummy"));

        (soon.Status, never.Status, none.Status).Should().Be((429, 429, 429));
        soon.ShouldBeError("insufficient_quota", "insufficient_quota");
        soon.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 10);
        never.Headers.RetryAfter.Should().BeNull();
        none.Headers.RetryAfter.Should().BeNull();
        foreach (var client in new[] { refilling, drained, blocked })
            (await client.LogAsync(1)).Should().ContainSingle().Which.Outcome.Should().Be("refused_budget");
    }

    [Fact]
    public async Task A_budget_that_admits_no_call_and_never_will_lists_no_models()
    {
        var refilling = await host.NewClientAsync("refilling-models");
        var drained = await host.NewClientAsync("drained-models");
        var blocked = await host.NewClientAsync("broke-models");

        async Task<IReadOnlyList<string>> ModelsAsync(TestClient c) =>
            (await host.Sdk(c.Key).GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToList();

        (await ModelsAsync(refilling)).Should().Contain("dummy", "refill will lift its balance");
        (await ModelsAsync(drained)).Should().BeEmpty("its balance will never rise above zero");
        (await ModelsAsync(blocked)).Should().BeEmpty("max 0 admits no call");
    }

    [Fact]
    public async Task Unknown_paths_and_methods_under_v1_answer_in_OpenAIs_shape()
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var path = await http.GetAsync(new Uri("/v1/no-such-thing", UriKind.Relative));
        using var method = await http.GetAsync(new Uri("/v1/chat/completions", UriKind.Relative));

        foreach (var response in new[] { path, method })
        {
            ((int)response.StatusCode).Should().BeOneOf([404, 405], await response.Content.ReadAsStringAsync());
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
            var error = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
            error["type"]!.GetValue<string>().Should().Be("invalid_request_error");
            response.Headers.Contains("X-Request-Id").Should().BeTrue();
        }
    }
}

/// <summary>§15's 500: a fault of ours is logged with its exception and reaches the caller as OpenAI's error, never a page.</summary>
public sealed class GatewayInternalErrorTests
{
    [Fact]
    public async Task An_unexpected_failure_is_a_500_internal_error_logged_once()
    {
        var host = new GatewayHost();
        await ((IAsyncLifetime)host).InitializeAsync();
        try
        {
            var client = await host.NewClientAsync();
            await using (var db = await host.DbAsync())
                await db.Database.ExecuteSqlRawAsync("DROP TABLE consents"); // the graylisted model's consent check now fails

            var body = await client.Chat("secret").RefusedAsync(500, "internal_error");

            body["type"]!.GetValue<string>().Should().Be("server_error");
            body["message"]!.GetValue<string>().Should().NotContain("consents").And.NotContain("SQLite");
            var row = (await client.LogAsync(1)).Should().ContainSingle().Subject;
            (row.Status, row.ErrorCode, row.Outcome, row.CoinsMicros).Should().Be((500, "internal_error", "internal_error", 0L));

            // Before any key is known the fault is the boundary's: still OpenAI's shape, and no row (nobody is identified).
            await using (var db = await host.DbAsync())
                await db.Database.ExecuteSqlRawAsync("DROP TABLE api_keys");
            var answer = await RawAnswer.PostAsync(host.BaseAddress, client.Key, RawAnswer.Chat("dummy"));
            answer.Status.Should().Be(500);
            answer.ShouldBeError("server_error", "internal_error")["message"]!.GetValue<string>().Should().NotContain("api_keys");
            (await client.LogAsync()).Should().ContainSingle("the second call identified nobody");
        }
        finally
        {
            await ((IAsyncLifetime)host).DisposeAsync();
        }
    }
}
