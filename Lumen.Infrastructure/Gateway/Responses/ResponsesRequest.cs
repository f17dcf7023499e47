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
    protected override IReadOnlyList<KeyValuePair<string, JsonNode>> UpstreamSettings => NotStored;

    private static readonly KeyValuePair<string, JsonNode>[] NotStored = [new("store", JsonValue.Create(false))];

    public override long EstimatedInputTokens => Texts.Sum(t => TokenEstimate.Of(t) + 3);

    public override long AnswerTextLength(JsonElement answer)
    {
        long length = 0;
        foreach (var item in AnswerJson.Objects(answer, "output"))
        foreach (var part in AnswerJson.Objects(item, "content"))
            if (AnswerJson.Text(part, "type") == "output_text") length += AnswerJson.TextLength(part, "text");
        return length;
    }

    /// <summary>Usage as <c>input_tokens</c> / <c>output_tokens</c> on the response.</summary>
    public override UsageReport ReadUsage(JsonElement answer) => UsageReport.Read(answer, "input_tokens", "output_tokens");

    /// <summary>
    /// Text comes in <c>response.output_text.delta</c> events; the usage on the response that the last event
    /// (<c>response.completed</c>, <c>.incomplete</c> or <c>.failed</c>) carries.
    /// </summary>
    public override StreamEvent ReadEvent(JsonElement data) => AnswerJson.Text(data, "type") switch
    {
        "response.output_text.delta" => new(AnswerJson.TextLength(data, "delta"), default, Ends: false),
        "response.completed" or "response.incomplete" or "response.failed" =>
            new(0, AnswerJson.TryGet(data, "response", out var response) ? ReadUsage(response) : default, Ends: true),
        _ => default,
    };

    public static (ResponsesRequest? Request, GatewayError? Problem) From(JsonObject json)
    {
        var (model, noModel) = RequestJson.Model(json);
        if (model is null) return (null, noModel);
        var (store, badStore) = RequestJson.Flag(json, "store");
        if (badStore is not null) return (null, badStore);
        if (store || json["previous_response_id"] is not null)
            return (null, GatewayError.BadRequest("This gateway stores no responses: send the whole conversation as 'input', without 'store: true' or 'previous_response_id'."));
        var (stream, badStream) = RequestJson.Flag(json, "stream");
        if (badStream is not null) return (null, badStream);
        if (RequestJson.PositiveIntegers(json, "max_output_tokens") is { } badLimit) return (null, badLimit);
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
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i] is not JsonObject item) return (null, RequestJson.WrongType($"input[{i}]", "an object"));
                    // Items without content (a function call's output …) have no text; content of another type is wrong.
                    var (text, wrong) = RequestJson.ContentText(item, $"input[{i}].content");
                    if (wrong is not null) return (null, wrong);
                    texts.Add(text);
                }
                break;
            default:
                return (null, RequestJson.WrongType("input", "a string or a non-empty array of input items"));
        }
        return (new ResponsesRequest(json, model, stream, texts), null);
    }
}
