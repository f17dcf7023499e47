using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Lumen.Infrastructure.Gateway;
using Lumen.Tests.Gateway;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Lumen.Tests.Operations;

/// <summary>§19's model-call metrics as a scraper sees them: real calls through the gateway, counted exactly.</summary>
[Collection(GatewayTestGroup.Name)]
public sealed class GatewayMetricsTests(GatewayHost host)
{
    [Fact]
    public async Task N_calls_raise_the_call_counter_and_the_duration_count_by_exactly_N()
    {
        const int n = 7;
        var client = await host.NewClientAsync();
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var calls = new MetricCollector<long>(meters, GatewayMetrics.MeterName, GatewayMetrics.Calls);
        using var duration = new MetricCollector<double>(meters, GatewayMetrics.MeterName, GatewayMetrics.Duration);
        using var tokens = new MetricCollector<long>(meters, GatewayMetrics.MeterName, GatewayMetrics.TokenUsage);

        for (var i = 0; i < n; i++)
        {
            using var response = await PostAsync(client.Key, "llama");
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var counted = calls.GetMeasurementSnapshot();
        counted.EvaluateAsCounter().Should().Be(n);
        counted.Should().OnlyContain(m => (string)m.Tags["lumen.outcome"]! == "ok" && (string)m.Tags["gen_ai.request.model"]! == "llama");
        var timed = duration.GetMeasurementSnapshot();
        timed.Should().HaveCount(n).And.OnlyContain(m => m.Value > 0 && !m.Tags.ContainsKey("error.type"));
        var used = tokens.GetMeasurementSnapshot();
        used.Where(m => (string)m.Tags["gen_ai.token.type"]! == "input").Sum(m => m.Value).Should().Be(n * FakeUpstream.InputTokens);
        used.Where(m => (string)m.Tags["gen_ai.token.type"]! == "output").Sum(m => m.Value).Should().Be(n * FakeUpstream.OutputTokens);
        counted.Should().OnlyContain(m => !m.Tags.ContainsKey("lumen.client"), "no per-client label unless Metrics:PerClient");
    }

    [Fact]
    public async Task Refused_calls_are_counted_by_outcome_and_a_model_the_config_does_not_define_is_unknown()
    {
        var client = await host.NewClientAsync();
        using var calls = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), GatewayMetrics.MeterName, GatewayMetrics.Calls);

        foreach (var (key, model) in new[] { (client.Key, "made-up-1"), (client.Key, "made-up-2"), (client.Key, "banned"), ("lmn_wrong", "made-up-3") })
        {
            using var response = await PostAsync(key, model);
            response.IsSuccessStatusCode.Should().BeFalse();
        }

        calls.GetMeasurementSnapshot().Select(m => ((string)m.Tags["lumen.outcome"]!, (string)m.Tags["gen_ai.request.model"]!))
            .Should().Equal(("refused_access", "(unknown)"), ("refused_access", "(unknown)"), ("refused_access", "banned"), ("invalid_key", "(unknown)"));
    }

    [Fact]
    public async Task Our_series_on_metrics_pass_promtool_and_the_framework_series_are_served_beside_them()
    {
        var client = await host.NewClientAsync();
        using (var ok = await PostAsync(client.Key, "dummy")) ok.StatusCode.Should().Be(HttpStatusCode.OK);
        using (var refused = await PostAsync(client.Key, "made-up")) refused.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var text = await http.GetStringAsync("/metrics");

        var ours = Promtool.Families(text, "lumen_", "gen_ai_");
        ours.Should().Contain(l => l.StartsWith("gen_ai_server_request_duration_seconds_bucket{", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith("gen_ai_client_token_usage_bucket{", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith("lumen_gateway_calls_total{", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith("lumen_gateway_coins_charged_total{", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith("lumen_ledger_batch_size_bucket{", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith("lumen_config_reloads_total{", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith("lumen_live_views{", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith("lumen_endpoint_up{", StringComparison.Ordinal) && l.Contains("gen_ai_request_model=\"llama\"", StringComparison.Ordinal)
                && l.Contains("lumen_endpoint=\"0\"", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith("# HELP lumen_gateway_calls_total ", StringComparison.Ordinal));
        ours.Should().NotContain(l => l.Contains("lumen_client=", StringComparison.Ordinal));
        var (exit, said) = await Promtool.CheckAsync(string.Join('\n', ours) + "\n");
        (exit, said).Should().Be((0, ""), "our own series are held to promtool's lint");
        text.Should().Contain("http_server_request_duration_seconds_bucket{").And.Contain("http_client_request_duration_seconds_bucket{")
            .And.Contain("dotnet_gc_collections_total{");
    }

    private Task<HttpResponseMessage> PostAsync(string key, string model) => host.ChatAsync(key, model);
}
