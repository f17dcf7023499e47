using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway.Embeddings;

/// <summary>An embeddings request (<c>POST /v1/embeddings</c>): its inputs and how the vectors are to be encoded.</summary>
public sealed class EmbeddingsRequest : ModelRequest
{
    private EmbeddingsRequest(JsonObject body, string model, IReadOnlyList<PromptItem> inputs, bool base64, int? dimensions)
        : base(body, model, stream: false)
    {
        Inputs = inputs;
        Base64 = base64;
        Dimensions = dimensions;
    }

    /// <summary>The most inputs one call may embed, as OpenAI allows.</summary>
    public const int MaxInputs = 2048;

    public IReadOnlyList<PromptItem> Inputs { get; }

    /// <summary><c>encoding_format: base64</c> (what the OpenAI SDKs send by default): little-endian float32s, base64.</summary>
    public bool Base64 { get; }

    public int? Dimensions { get; }

    public override string Operation => "embeddings";

    public override string UpstreamPath => "/embeddings";

    internal override IAnswerer BuiltIn => DummyEmbeddingsAnswerer.Instance;

    public override long EstimatedInputTokens => Inputs.Sum(i => i.Tokens);

    public override long AnswerTextLength(JsonElement answer) => 0;

    /// <summary>Embeddings report <c>prompt_tokens</c> only: there is no output to count.</summary>
    public override UsageReport ReadUsage(JsonElement answer) => UsageReport.Read(answer, "prompt_tokens", output: null);

    public static (EmbeddingsRequest? Request, GatewayError? Problem) From(JsonObject json)
    {
        var (model, noModel) = RequestJson.Model(json);
        if (model is null) return (null, noModel);
        var (inputs, wrong) = PromptInput.Parse(json["input"], "input");
        if (inputs is null) return (null, wrong);
        // OpenAI's own bound, for every model: the dummy's answer grows with inputs × dimensions.
        if (inputs.Count > MaxInputs) return (null, GatewayError.BadRequest($"'input' may hold at most {MaxInputs} inputs; this one holds {inputs.Count}."));
        var format = json["encoding_format"] is null ? "float" : RequestJson.Text(json, "encoding_format");
        if (format is not ("float" or "base64")) return (null, RequestJson.WrongType("encoding_format", "\"float\" or \"base64\""));
        int? dimensions = null;
        if (json["dimensions"] is { } d)
        {
            if (d is not JsonValue n || n.GetValueKind() != JsonValueKind.Number || !n.TryGetValue<int>(out var value) || value < 1)
                return (null, RequestJson.WrongType("dimensions", "a positive integer"));
            dimensions = value;
        }
        return (new EmbeddingsRequest(json, model, inputs, format == "base64", dimensions), null);
    }
}
