using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>
/// What a streamed answer said so far, line by line as its bytes arrive: the length of its text (for an estimate), its
/// usage, whether it ended (<c>[DONE]</c>, or the operation's last event). Only lengths are kept, never the text.
/// </summary>
internal sealed class StreamNotes(ModelRequest request, string model, EventBuffer events)
{
    public TokenUsage? Usage { get; private set; }
    public bool Done { get; private set; }
    public long TextLength { get; private set; }

    /// <summary>
    /// Notes one line of the stream (its bytes, without the line break); returns what is wrong with it, or null. Lines
    /// other than <c>data:</c> are passed on as they are.
    /// </summary>
    public string? Note(ReadOnlyMemory<byte> line)
    {
        if (!line.Span.StartsWith("data:"u8)) return null;
        var data = Trim(line[5..]);
        if (data.Span.SequenceEqual("[DONE]"u8))
        {
            Done = true;
            return null;
        }
        // Relayed as bytes: what is not UTF-8 must not reach the caller as if it were.
        if (!Utf8.IsValid(data.Span)) return "its stream held something that is not JSON";
        StreamEvent said;
        try
        {
            using var chunk = JsonDocument.Parse(data);
            said = request.ReadEvent(chunk.RootElement);
            NameOurModel(chunk.RootElement);
        }
        catch (JsonException)
        {
            return "its stream held something that is not JSON";
        }
        if (said.Usage.Implausible) return "it reported implausible token usage";
        if (said.Ends) Done = true;
        Usage = said.Usage.Usage ?? Usage;
        TextLength += said.TextLength;
        return null;
    }

    /// <summary>
    /// A chunk names the model as its server knows it (<c>model</c>, or a Responses event's <c>response.model</c>):
    /// the caller is told the name it called, as in a whole answer. The chunk is parsed over the buffer's own bytes,
    /// so the raw value is where it will be replaced.
    /// </summary>
    private void NameOurModel(JsonElement chunk)
    {
        if (AnswerJson.TryGet(chunk, "response", out var response)) NameOurModel(response);
        if (AnswerJson.TryGet(chunk, "model", out var named) && named.ValueKind == JsonValueKind.String && !named.ValueEquals(model))
            events.Replace(JsonMarshal.GetRawUtf8Value(named));
    }

    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        var start = 0;
        var end = span.Length;
        while (start < end && span[start] is (byte)' ' or (byte)'\t') start++;
        while (end > start && span[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r') end--;
        return data[start..end];
    }
}
