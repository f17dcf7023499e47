using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway.Completions;

/// <summary>A legacy text completion request (<c>POST /v1/completions</c>), streamed or not.</summary>
public sealed class CompletionsRequest : ModelRequest
{
    private CompletionsRequest(JsonObject body, string model, bool stream, IReadOnlyList<PromptItem> prompts)
        : base(body, model, stream) => Prompts = prompts;

    public IReadOnlyList<PromptItem> Prompts { get; }

    public override string Operation => "completions";

    public override string UpstreamPath => "/completions";

    internal override IAnswerer BuiltIn => DummyCompletionsAnswerer.Instance;

    /// <summary>A streamed answer is asked to end with its usage, as for chat.</summary>
    protected override IReadOnlyList<KeyValuePair<string, JsonNode>> UpstreamSettings => Stream ? StreamUsage.Asked : [];

    public override long EstimatedInputTokens => Prompts.Sum(p => p.Tokens);

    public override string AnswerText(JsonNode? answer) => TextOf(answer);

    public override string DeltaText(JsonNode? data) => TextOf(data);

    public override UsageReport ReadUsage(JsonNode? node) => UsageReport.Read(node, "prompt_tokens", "completion_tokens");

    public static (CompletionsRequest? Request, GatewayError? Problem) From(JsonObject json)
    {
        var (model, noModel) = RequestJson.Model(json);
        if (model is null) return (null, noModel);
        var (prompts, wrong) = PromptInput.Parse(json["prompt"], "prompt");
        if (prompts is null) return (null, wrong);
        if (RequestJson.PositiveIntegers(json, "max_tokens") is { } badLimit) return (null, badLimit);
        var (stream, badStream) = RequestJson.Flag(json, "stream");
        return badStream is not null ? (null, badStream) : (new CompletionsRequest(json, model, stream, prompts), null);
    }

    private static string TextOf(JsonNode? node) =>
        node is JsonObject o && o["choices"] is JsonArray { Count: > 0 } choices && choices[0] is JsonObject choice
            ? RequestJson.Text(choice, "text") ?? "" : "";
}
