using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>What a streamed answer said so far, line by line: its text, its usage, whether it ended (<c>[DONE]</c>, or the operation's last event).</summary>
internal sealed class StreamNotes(ModelRequest request)
{
    private readonly StringBuilder _seen = new();

    public TokenUsage? Usage { get; private set; }
    public bool Done { get; private set; }
    public string Seen => _seen.ToString();

    /// <summary>Notes one line of the stream; returns what is wrong with it, or null. Lines other than <c>data:</c> are passed on as they are.</summary>
    public string? Note(string line)
    {
        if (!line.StartsWith("data:", StringComparison.Ordinal)) return null;
        var data = line.AsSpan(5).Trim();
        if (data.SequenceEqual("[DONE]"))
        {
            Done = true;
            return null;
        }
        JsonNode? chunk;
        try
        {
            chunk = JsonNode.Parse(data.ToString());
        }
        catch (JsonException)
        {
            return "its stream held something that is not JSON";
        }
        if (request.EndsStream(chunk)) Done = true;
        var usage = request.ReadUsage(chunk);
        if (usage.Implausible) return "it reported implausible token usage";
        Usage = usage.Usage ?? Usage;
        _seen.Append(request.DeltaText(chunk));
        return null;
    }
}
