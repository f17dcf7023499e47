using System.Text.Json;
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

    public override long AnswerTextLength(JsonElement answer) => TextLength(answer);

    public override StreamEvent ReadEvent(JsonElement data) => new(TextLength(data), ReadUsage(data), Ends: false);

    public override UsageReport ReadUsage(JsonElement answer) => UsageReport.Read(answer, "prompt_tokens", "completion_tokens");

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

    /// <summary>The text of every choice, counted.</summary>
    private static long TextLength(JsonElement node)
    {
        long length = 0;
        foreach (var choice in AnswerJson.Objects(node, "choices")) length += AnswerJson.TextLength(choice, "text");
        return length;
    }
}
