namespace Lumen.Tests.Gateway;

/// <summary>
/// The config the gateway tests run with. Upstream models cost 0.5/1.5 coins per million tokens, so a fake upstream
/// call (100 in, 20 out) costs exactly 80 micro-coins. Clients without a named entry get <c>default</c>.
/// </summary>
internal static class GatewayConfig
{
    public static string Yaml(FakeUpstream upstream, int closedPort) => $"""
        admins: [admin@example.org]
        models:
          - name: dummy
            input_cost_per_million: 0.0
            output_cost_per_million: 0.0
          - name: llama
            input_cost_per_million: 0.5
            output_cost_per_million: 1.5
            endpoints:
              - url: {upstream.Endpoint("normal-llama")}
                model: llama-upstream
          - name: twin
            input_cost_per_million: 0.5
            output_cost_per_million: 1.5
            endpoints:
              - url: {upstream.Endpoint("normal-twin-a")}
              - url: {upstream.Endpoint("normal-twin-b")}
          - name: pair
            input_cost_per_million: 0.5
            output_cost_per_million: 1.5
            endpoints:
              - url: {upstream.Endpoint("normal-pair-a")}
              - url: {upstream.Endpoint("normal-pair-b")}
          - name: slowpoke
            input_cost_per_million: 0.5
            output_cost_per_million: 1.5
            endpoints:
              - url: {upstream.Endpoint("slow")}
          - name: flaky
            input_cost_per_million: 0.5
            output_cost_per_million: 1.5
            endpoints:
              - url: {upstream.Endpoint("fail")}
          - name: dropper
            input_cost_per_million: 0.5
            output_cost_per_million: 1.5
            endpoints:
              - url: {upstream.Endpoint("drop")}
          - name: offline
            input_cost_per_million: 0.5
            output_cost_per_million: 1.5
            endpoints:
              - url: http://127.0.0.1:{closedPort}/v1
        {MisbehavingModels(upstream)}
          - name: org/slashed-model
            endpoints:
              - url: {upstream.Endpoint("normal-slashed")}
          - name: hollow
            input_cost_per_million: 0.5
            output_cost_per_million: 1.5
          - name: secret
            input_cost_per_million: 0.5
            output_cost_per_million: 1.5
            endpoints:
              - url: {upstream.Endpoint("normal-secret")}
          - name: banned
            input_cost_per_million: 0.5
            output_cost_per_million: 1.5
            endpoints:
              - url: {upstream.Endpoint("normal-banned")}
          - name: retired
            active: false
            endpoints:
              - url: {upstream.Endpoint("normal-retired")}
        clients:
          default:
            max: 100.0
            refresh: 0.0
            starting: 100.0
            model_access:
              default: whitelist
              blacklist: [banned]
              graylist: [secret]
          broke:
            max: 0
            model_access:
              default: whitelist
          broke-outcome:
            max: 0
            model_access:
              default: whitelist
        {Entries("max: 1, refresh: 0.00036, starting: 0", "refilling", "refilling-models")}
        {Entries("max: 1, refresh: 0, starting: 0", "drained", "drained-models")}
        {Entries("max: 10, refresh: 3.6, starting: 4", "me-filling")}
        {Entries("max: 10, refresh: 1, starting: 10", "me-full")}
        {Entries("max: 0.0002, refresh: 0.0036, starting: 0.0002", "me-debtor")}
        {Entries("max: 0.0002, refresh: 0, starting: 0.0002", "me-spent")}
        {Entries("max: 0", "broke-retry", "broke-models", "broke-embeddings", "broke-completions", "broke-responses")}
          broke-order:
            max: 0
            model_access:
              default: whitelist
              blacklist: [banned]
              graylist: [secret]
          unlimited:
            max: -2
            starting: 0
            model_access:
              default: whitelist
          tiny:
            max: 0.0002
            starting: 0.0002
            model_access:
              default: whitelist
          tiny-burst:
            max: 0.0002
            starting: 0.0002
            model_access:
              default: whitelist
          reloaded:
            max: 100.0
            starting: 100.0
            model_access:
              default: whitelist
        """;

    /// <summary>A model of each misbehaving endpoint (<see cref="FakeUpstream.Misbehaviours"/>), named as its tag.</summary>
    private static string MisbehavingModels(FakeUpstream upstream) => string.Join("\n", FakeUpstream.Misbehaviours.Select(tag =>
        $"  - name: {tag}\n    input_cost_per_million: 0.5\n    output_cost_per_million: 1.5\n    endpoints:\n      - url: {upstream.Endpoint(tag)}"));

    /// <summary>Named entries of one budget, each on a line of YAML flow style, with every model allowed.</summary>
    private static string Entries(string budget, params string[] names) =>
        string.Concat(names.Select(name => $"  {name}: {{{budget}, model_access: {{default: whitelist}}}}\n"));
}
