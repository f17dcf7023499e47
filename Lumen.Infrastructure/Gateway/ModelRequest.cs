using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// A model call's request as its endpoint read it: the whole body (forwarded upstream), the model and whether the
/// answer streams, and what the call path needs to know of the operation (its name, its upstream path, where usage
/// and text are in its answers). One subclass per operation (chat today).
/// </summary>
public abstract class ModelRequest(JsonObject body, string model, bool stream)
{
    public JsonObject Body { get; } = body;
    public string Model { get; } = model;
    public bool Stream { get; } = stream;

    /// <summary>The operation's word in the request log and the metrics (<c>chat</c> …).</summary>
    public abstract string Operation { get; }

    /// <summary>The path under an endpoint's base URL that serves this operation (<c>/chat/completions</c> …).</summary>
    public abstract string UpstreamPath { get; }

    /// <summary>
    /// The body to send upstream, as UTF-8 written in one pass: this one with the upstream's model id and what the
    /// operation sets over the caller's (<see cref="UpstreamSettings"/>). No copy of the request is built first.
    /// </summary>
    public ReadOnlyMemory<byte> UpstreamBody(string upstreamModel)
    {
        var settings = UpstreamSettings;
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model", upstreamModel);
            foreach (var (name, value) in Body)
            {
                if (name == "model" || IsSetting(settings, name)) continue;
                writer.WritePropertyName(name);
                if (value is null) writer.WriteNullValue();
                else value.WriteTo(writer);
            }
            foreach (var (name, value) in settings)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }

    // A loop, not Any(lambda): it runs for every field of every proxied call.
    private static bool IsSetting(IReadOnlyList<KeyValuePair<string, JsonNode>> settings, string name)
    {
        foreach (var setting in settings)
            if (setting.Key == name) return true;
        return false;
    }

    /// <summary>What the operation sets in the body it sends upstream, over whatever the caller sent.</summary>
    protected virtual IReadOnlyList<KeyValuePair<string, JsonNode>> UpstreamSettings => [];

    /// <summary>Input tokens by estimate, for an answer that reports no usage.</summary>
    public abstract long EstimatedInputTokens { get; }

    /// <summary>The length of a whole answer's text (for an output estimate when it reports no usage).</summary>
    public abstract long AnswerTextLength(JsonElement answer);

    /// <summary>The usage an answer reports, if it reports one.</summary>
    public abstract UsageReport ReadUsage(JsonElement answer);

    /// <summary>What one streamed event's data says: its text's length, its usage, whether it ends the answer.</summary>
    public virtual StreamEvent ReadEvent(JsonElement data) => new(0, ReadUsage(data), Ends: false);

    /// <summary>How the built-in <c>dummy</c> model answers this operation.</summary>
    internal abstract IAnswerer BuiltIn { get; }
}

/// <summary>
/// One streamed event's data, as the call path notes it: the length of the text it carries, the usage it reports,
/// and whether it ends the answer (besides <c>[DONE]</c>, which ends every stream it is sent in).
/// </summary>
public readonly record struct StreamEvent(long TextLength, UsageReport Usage, bool Ends);

/// <summary>Input and output tokens of one call.</summary>
public readonly record struct TokenUsage(long Input, long Output);
