using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway;

/// <summary>What a streamed chat or completions call asks of its upstream: its usage at the end, so the charge is the upstream's own count.</summary>
internal static class StreamUsage
{
    // Written, never changed: one node serves every call.
    public static readonly KeyValuePair<string, JsonNode>[] Asked = [new("stream_options", new JsonObject { ["include_usage"] = true })];
}
