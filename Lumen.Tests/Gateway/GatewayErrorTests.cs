using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using static Lumen.Tests.Gateway.GatewayAssertions;

namespace Lumen.Tests.Gateway;

/// <summary>§10's checks, in order, each seen through the official SDK as the caller would see it.</summary>
[Collection(GatewayTestGroup.Name)]
public sealed class GatewayErrorTests(GatewayHost host)
{
    [Fact]
    public async Task Models_lists_what_the_client_can_use_now()
    {
        var client = await host.NewClientAsync();
        var models = host.Sdk(client.Key).GetOpenAIModelClient();

        var before = (await models.GetModelsAsync()).Value.Select(m => m.Id).ToList();
        await client.GrantConsentAsync("secret");
        var after = (await models.GetModelsAsync()).Value.Select(m => m.Id).ToList();

        before.Should().Contain(["dummy", "llama", "twin"])
            .And.NotContain("banned", "blacklisted")
            .And.NotContain("secret", "graylisted without consent")
            .And.NotContain("retired", "inactive models do not exist");
        after.Should().BeEquivalentTo(before.Append("secret"));
    }

    [Fact]
    public async Task Models_refuses_a_bad_key_and_an_inactive_client()
    {
        var client = await host.NewClientAsync();
        await client.SetActiveAsync(false);

        await RefusedAsync(() => host.Sdk(client.Key).GetOpenAIModelClient().GetModelsAsync(), 403, "client_inactive");
        await RefusedAsync(() => host.Sdk(client.Key + "x").GetOpenAIModelClient().GetModelsAsync(), 401, "invalid_api_key");
    }

    [Fact]
    public async Task The_dummy_model_answers_deterministically_with_usage()
    {
        var client = await host.NewClientAsync();

        ChatCompletion first = await client.Chat("dummy").CompleteChatAsync([new UserChatMessage("ping")]);
        ChatCompletion second = await client.Chat("dummy").CompleteChatAsync([new UserChatMessage("ping")]);

        first.Content.Single().Text.Should().Be("Hello from the Lumen dummy model. You said: ping");
        first.Model.Should().Be("dummy");
        first.FinishReason.Should().Be(ChatFinishReason.Stop);
        first.Usage.InputTokenCount.Should().BeGreaterThan(0);
        first.Usage.OutputTokenCount.Should().BeGreaterThan(0);
        second.Content.Single().Text.Should().Be(first.Content.Single().Text);
        second.Usage.OutputTokenCount.Should().Be(first.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task An_unknown_key_is_401()
    {
        var client = await host.NewClientAsync();
        var wrongSecret = client.Key[..^4] + (client.Key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        await host.Sdk(wrongSecret).GetChatClient("dummy").RefusedAsync(401, "invalid_api_key");
        await host.Sdk("lmn_notakey").GetChatClient("dummy").RefusedAsync(401, "invalid_api_key");
        await host.Sdk("sk-" + new string('x', 48)).GetChatClient("dummy").RefusedAsync(401, "invalid_api_key");
    }

    [Fact]
    public async Task A_missing_key_is_401_in_OpenAIs_error_shape()
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var content = new StringContent("""{"model":"dummy","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

        using var response = await http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), content);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        error["code"]!.GetValue<string>().Should().Be("invalid_api_key");
        error["type"]!.GetValue<string>().Should().Be("invalid_request_error");
    }

    [Fact]
    public async Task A_revoked_key_is_401_at_once()
    {
        var client = await host.NewClientAsync();
        await client.Chat("dummy").CompleteChatAsync(Hello);

        await client.RevokeKeyAsync();

        await client.Chat("dummy").RefusedAsync(401, "invalid_api_key");
    }

    [Fact]
    public async Task An_inactive_client_is_403_until_reactivated()
    {
        var client = await host.NewClientAsync();

        await client.SetActiveAsync(false);
        await client.Chat("dummy").RefusedAsync(403, "client_inactive");
        await client.SetActiveAsync(true);
        ChatCompletion answer = await client.Chat("dummy").CompleteChatAsync(Hello);

        answer.Content.Should().NotBeEmpty();
    }

    [Fact]
    public async Task An_unknown_or_inactive_model_is_404()
    {
        var client = await host.NewClientAsync();

        var body = await client.Chat("no-such-model").RefusedAsync(404, "model_not_found");
        await client.Chat("retired").RefusedAsync(404, "model_not_found");

        body["message"]!.GetValue<string>().Should().Contain("no-such-model");
    }

    [Fact]
    public async Task A_blacklisted_model_is_403_model_not_allowed()
    {
        var client = await host.NewClientAsync();

        await client.Chat("banned").RefusedAsync(403, "model_not_allowed");

        host.Upstream.Requests.Should().NotContain(r => r.Tag == "normal-banned", "a refused call never reaches the model");
    }

    [Fact]
    public async Task A_graylisted_model_needs_consent_then_answers()
    {
        var client = await host.NewClientAsync();

        var body = await client.Chat("secret").RefusedAsync(403, "consent_required");
        await client.GrantConsentAsync("secret");
        ChatCompletion answer = await client.Chat("secret").CompleteChatAsync(Hello);

        body["message"]!.GetValue<string>().Should().Contain("manager").And.Contain("consent").And.Contain("portal");
        answer.Content.Single().Text.Should().Be(FakeUpstream.Answer);
    }

    [Fact]
    public async Task A_blocked_budget_is_429()
    {
        var client = await host.NewClientAsync("broke");

        await client.Chat("dummy").RefusedAsync(429, "insufficient_quota");
        await RefusedAsync(() => client.Chat("llama").CompleteChatStreamingAsync(Hello).GetAsyncEnumerator().MoveNextAsync().AsTask(),
            429, "insufficient_quota");
    }

    [Fact]
    public async Task Checks_run_in_the_order_of_the_spec()
    {
        // Key before client, client before model.
        var gone = await host.NewClientAsync();
        await gone.SetActiveAsync(false);
        await gone.Chat("no-such-model").RefusedAsync(403, "client_inactive");
        await gone.RevokeKeyAsync();
        await gone.Chat("no-such-model").RefusedAsync(401, "invalid_api_key");

        // Model before access before coins: this client's budget is blocked (max 0).
        var blocked = await host.NewClientAsync("broke-order");
        await blocked.Chat("no-such-model").RefusedAsync(404, "model_not_found");
        await blocked.Chat("banned").RefusedAsync(403, "model_not_allowed");
        await blocked.Chat("secret").RefusedAsync(403, "consent_required");
        await blocked.GrantConsentAsync("secret");
        await blocked.Chat("secret").RefusedAsync(429, "insufficient_quota");
    }

    [Fact]
    public async Task A_request_without_messages_is_400_after_the_key_check()
    {
        var client = await host.NewClientAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        async Task<HttpStatusCode> PostAsync(string? key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent("""{"model":"dummy"}""", Encoding.UTF8, "application/json"),
            };
            if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        (await PostAsync(null)).Should().Be(HttpStatusCode.Unauthorized);
        (await PostAsync(client.Key)).Should().Be(HttpStatusCode.BadRequest);
    }
}
