using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway.Chat;

/// <summary>A chat completion request (<c>POST /v1/chat/completions</c>): the body and the messages' texts.</summary>
public sealed class ChatRequest : ModelRequest
{
    private ChatRequest(JsonObject body, string model, bool stream, IReadOnlyList<(string Role, string Content)> messages)
        : base(body, model, stream) => Messages = messages;

    /// <summary>Role and text of each message (only text parts count).</summary>
    public IReadOnlyList<(string Role, string Content)> Messages { get; }

    public override string Operation => "chat";

    internal override IAnswerer BuiltIn => DummyChatAnswerer.Instance;

    public override string UpstreamPath => "/chat/completions";

    /// <summary>A streamed answer is asked to end with its usage, so the charge is the upstream's own count.</summary>
    protected override IReadOnlyList<KeyValuePair<string, JsonNode>> UpstreamSettings => Stream ? StreamUsage.Asked : [];

    // A few tokens of overhead per message, as chat formats have.
    public override long EstimatedInputTokens => Messages.Sum(m => TokenEstimate.Of(m.Content) + 3);

    public override long AnswerTextLength(JsonElement answer) => ContentLength(answer, "message");

    public override StreamEvent ReadEvent(JsonElement data) => new(ContentLength(data, "delta"), ReadUsage(data), Ends: false);

    public override UsageReport ReadUsage(JsonElement answer) => UsageReport.Read(answer, "prompt_tokens", "completion_tokens");

    /// <summary>The request in <paramref name="body"/>, or the 400 that says what is wrong with it.</summary>
    public static (ChatRequest? Request, GatewayError? Problem) From(JsonObject body)
    {
        var (model, noModel) = RequestJson.Model(body);
        if (model is null) return (null, noModel);
        if (body["messages"] is not JsonArray { Count: > 0 } messages) return (null, RequestJson.WrongType("messages", "a non-empty array"));
        var texts = new List<(string, string)>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message) return (null, RequestJson.WrongType($"messages[{i}]", "an object"));
            // Content may be null (an assistant message that only calls tools): no text.
            var (text, wrong) = RequestJson.ContentText(message, $"messages[{i}].content");
            if (wrong is not null) return (null, wrong);
            texts.Add((RequestJson.Text(message, "role") ?? "", text));
        }
        if (RequestJson.PositiveIntegers(body, "max_tokens", "max_completion_tokens") is { } badLimit) return (null, badLimit);
        var (stream, badStream) = RequestJson.Flag(body, "stream");
        if (badStream is not null) return (null, badStream);
        return (new ChatRequest(body, model, stream, texts), null);
    }

    /// <summary>The text of every choice's <paramref name="part"/> (<c>message</c>, or a chunk's <c>delta</c>), counted.</summary>
    private static long ContentLength(JsonElement node, string part)
    {
        long length = 0;
        foreach (var choice in AnswerJson.Objects(node, "choices"))
            if (AnswerJson.TryGet(choice, part, out var inner)) length += AnswerJson.TextLength(inner, "content");
        return length;
    }
}
