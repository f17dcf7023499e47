using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Lumen.Infrastructure.Gateway;
using Lumen.Infrastructure.Ledger;
using Lumen.Portal.Gateway;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using System.Diagnostics.Metrics;

namespace Lumen.Tests.Gateway;

/// <summary>§15's one call path as a caller meets it: a request id on every answer, in its log row; only identified calls are rows.</summary>
[Collection(GatewayTestGroup.Name)]
public sealed class GatewayCallPathTests(GatewayHost host)
{
    private const string Hi = """[{"role":"user","content":"hi"}]""";

    public static TheoryData<string, string, int, string, string> Calls => new()
    {
        // model, extra body fields, status, error code (or ""), outcome
        { "dummy", "", 200, "", "ok" },
        { "dummy", "\"stream\":true,", 200, "", "ok" },
        { "llama", "", 200, "", "ok" },
        { "llama", "\"stream\":true,", 200, "", "ok" },
        { "banned", "", 403, "model_not_allowed", "refused_access" },
        { "no-such-model", "", 404, "model_not_found", "refused_access" },
        { "secret", "", 403, "consent_required", "refused_consent" },
        { "flaky", "", 502, "upstream_error", "upstream_error" },
        { "offline", "", 503, "upstream_unavailable", "upstream_error" },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Every_answer_carries_a_request_id_that_is_in_its_log_row(string model, string extra, int status, string code, string outcome)
    {
        var client = await host.NewClientAsync();

        using var response = await PostAsync(client.Key, $$"""{"model":"{{model}}",{{extra}}"messages":{{Hi}}}""");
        await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).Should().Be(status);
        var id = response.Headers.GetValues(GatewayBoundary.RequestIdHeader).Should().ContainSingle().Subject;
        id.Should().MatchRegex("^req_[0-9a-f]{32}$");
        var row = (await client.LogAsync(1)).Should().ContainSingle().Subject;
        (row.RequestId, row.Status, row.ErrorCode ?? "", row.Outcome, row.Operation, row.Model).Should().Be((id, status, code, outcome, "chat", model));
        // §16: the hourly usage counts the call under its model, or under "(unknown)" when the config does not define it.
        var usage = (await client.UsageAsync()).Should().ContainSingle().Subject;
        (usage.Model, usage.Outcome, usage.Calls).Should().Be((model == "no-such-model" ? UsageHours.UnknownModel : model, outcome, 1L));
    }

    [Fact]
    public async Task Refusals_of_the_client_and_its_budget_carry_their_outcome_words()
    {
        var inactive = await host.NewClientAsync();
        await inactive.SetActiveAsync(false);
        var broke = await host.NewClientAsync("broke-outcome");
        var unreadable = await host.NewClientAsync();

        using var refusedInactive = await PostAsync(inactive.Key, $$"""{"model":"dummy","messages":{{Hi}}}""");
        using var refusedBudget = await PostAsync(broke.Key, $$"""{"model":"dummy","messages":{{Hi}}}""");
        using var invalid = await PostAsync(unreadable.Key, """{"model":"dummy","messages":[1, 2]}""");

        ((int)refusedInactive.StatusCode, (int)refusedBudget.StatusCode, (int)invalid.StatusCode).Should().Be((403, 429, 400));
        (await inactive.LogAsync(1)).Single().Outcome.Should().Be("refused_inactive");
        (await broke.LogAsync(1)).Single().Outcome.Should().Be("refused_budget");
        var row = (await unreadable.LogAsync(1)).Single();
        (row.Status, row.ErrorCode, row.Outcome).Should().Be((400, "invalid_request", "invalid_request"));
        row.RequestId.Should().Be(invalid.Headers.GetValues(GatewayBoundary.RequestIdHeader).Single());
    }

    [Fact]
    public async Task Answers_that_are_not_model_calls_carry_a_request_id_too()
    {
        var client = await host.NewClientAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var models = await SendAsync(http, HttpMethod.Get, "/v1/models", client.Key, null);
        using var anonymous = await SendAsync(http, HttpMethod.Get, "/v1/models", null, null);
        using var unknownPath = await SendAsync(http, HttpMethod.Get, "/v1/no-such-endpoint", client.Key, null);

        foreach (var response in new[] { models, anonymous, unknownPath })
            response.Headers.GetValues(GatewayBoundary.RequestIdHeader).Should().ContainSingle().Which.Should().StartWith("req_");
        (models.StatusCode, anonymous.StatusCode).Should().Be((HttpStatusCode.OK, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Calls_whose_key_did_not_match_leave_no_rows_and_are_counted()
    {
        var client = await host.NewClientAsync();
        var wrongSecret = client.Key[..^4] + (client.Key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        using var counted = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(),
            UnidentifiedCalls.MeterName, UnidentifiedCalls.InstrumentName);
        var rowsBefore = await RowCountAsync();

        string?[] keys = [null, "lmn_notakey", "sk-" + new string('x', 48), wrongSecret, "lmn_" + new string('Z', 12) + "_" + new string('q', 43)];
        for (var i = 0; i < 20; i++)
        {
            using var response = await PostAsync(keys[i % keys.Length], $$"""{"model":"dummy","messages":{{Hi}}}""");
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        (await RowCountAsync()).Should().Be(rowsBefore, "nobody may grow the request log without a key");
        counted.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(20);
        counted.LastMeasurement!.Tags["gen_ai.operation.name"].Should().Be("chat");
    }

    private async Task<int> RowCountAsync()
    {
        await using var db = await host.DbAsync();
        return await db.RequestLog.CountAsync();
    }

    private async Task<HttpResponseMessage> PostAsync(string? key, string json)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var response = await SendAsync(http, HttpMethod.Post, "/v1/chat/completions", key, json);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? key, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await http.SendAsync(request);
    }
}
