using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway.Responses;

/// <summary>
/// A Responses API request (<c>POST /v1/responses</c>), stateless: this gateway stores no responses, so a missing
/// <c>store</c> means false, and <c>store: true</c> or a <c>previous_response_id</c> are refused.
/// </summary>
public sealed class ResponsesRequest : ModelRequest
{
    private ResponsesRequest(JsonObject body, string model, bool stream, IReadOnlyList<string> texts)
        : base(body, model, stream) => Texts = texts;

    /// <summary>The input's texts (and the instructions), for the estimate and the dummy's echo; the last is the latest.</summary>
    public IReadOnlyList<string> Texts { get; }

    public override string Operation => "responses";

    public override string UpstreamPath => "/responses";

    internal override IAnswerer BuiltIn => DummyResponsesAnswerer.Instance;

    /// <summary>Sent with <c>store: false</c> said outright: OpenAI's own default is to store.</summary>
    public override JsonObject UpstreamBody(string upstreamModel)
    {
        var body = base.UpstreamBody(upstreamModel);
        body["store"] = false;
        return body;
    }

    public override long EstimatedInputTokens => Texts.Sum(t => TokenEstimate.Of(t) + 3);

    public override string AnswerText(JsonNode? answer) => ResponseShapes.OutputText(answer);

    public override string DeltaText(JsonNode? data) =>
        data is JsonObject e && RequestJson.Text(e, "type") == "response.output_text.delta" ? RequestJson.Text(e, "delta") ?? "" : "";

    /// <summary>Usage as <c>input_tokens</c> / <c>output_tokens</c>: on the response, or in a stream on <c>response.completed</c>'s.</summary>
    public override UsageReport ReadUsage(JsonNode? node) =>
        UsageReport.Read(node is JsonObject { } o && o["response"] is JsonObject response ? response : node, "input_tokens", "output_tokens");

    public override bool EndsStream(JsonNode? data) =>
        data is JsonObject e && RequestJson.Text(e, "type") is "response.completed" or "response.incomplete" or "response.failed";

    public static (ResponsesRequest? Request, GatewayError? Problem) Parse(ReadOnlySpan<byte> body)
    {
        var (json, problem) = RequestJson.Parse(body);
        if (json is null) return (null, problem);
        if (RequestJson.Text(json, "model") is not { Length: > 0 } model) return (null, RequestJson.WrongType("model", "a non-empty string"));
        var (store, badStore) = RequestJson.Flag(json, "store");
        if (badStore is not null) return (null, badStore);
        if (store || json["previous_response_id"] is not null)
            return (null, GatewayError.BadRequest("This gateway stores no responses: send the whole conversation as 'input', without 'store: true' or 'previous_response_id'."));
        var (stream, badStream) = RequestJson.Flag(json, "stream");
        if (badStream is not null) return (null, badStream);
        var texts = new List<string>();
        if (json["instructions"] is { } instructions)
        {
            if (RequestJson.Text(json, "instructions") is not { } text) return (null, RequestJson.WrongType("instructions", "a string"));
            texts.Add(text);
        }
        switch (json["input"])
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                texts.Add(v.GetValue<string>());
                break;
            case JsonArray { Count: > 0 } items:
                foreach (var item in items)
                {
                    if (item is not JsonObject o) return (null, RequestJson.WrongType("input[]", "an object"));
                    texts.Add(ItemText(o));
                }
                break;
            default:
                return (null, RequestJson.WrongType("input", "a string or a non-empty array of input items"));
        }
        return (new ResponsesRequest(json, model, stream, texts), null);
    }

    /// <summary>The text of an input item: its content string, or its text parts (<c>input_text</c>, <c>output_text</c>).</summary>
    private static string ItemText(JsonObject item) => item["content"] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(p => p is JsonObject part ? RequestJson.Text(part, "text") : null)),
        _ => "",
    };
}
