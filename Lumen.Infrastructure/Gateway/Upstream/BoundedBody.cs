using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>Reads an upstream body into memory no further than a cap, so a huge answer costs the cap, not its size.</summary>
internal static class BoundedBody
{
    private const int Segment = 64 * 1024;

    /// <summary>
    /// The body, or null if it is longer than <paramref name="cap"/> bytes (reading stops there). Read in fixed
    /// segments and copied once at the end: a growing buffer would double on its way to the cap, and hold the old copy
    /// and the new one at once.
    /// </summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, long cap, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var segments = new List<byte[]>();
        var last = 0; // bytes used in the last segment
        long total = 0;
        try
        {
            while (true)
            {
                if (segments.Count == 0 || last == Segment)
                {
                    segments.Add(ArrayPool<byte>.Shared.Rent(Segment));
                    last = 0;
                }
                var read = await stream.ReadAsync(segments[^1].AsMemory(last, Segment - last), ct);
                if (read == 0) break;
                total += read;
                if (total > cap) return null;
                last += read;
            }
            var body = new byte[total];
            for (var i = 0; i < segments.Count; i++)
                segments[i].AsSpan(0, i == segments.Count - 1 ? last : Segment).CopyTo(body.AsSpan(i * Segment));
            return body;
        }
        finally
        {
            foreach (var segment in segments) ArrayPool<byte>.Shared.Return(segment);
        }
    }
}

/// <summary>The message of an upstream's error answer: read within bounds of size and time, cleaned, kept short.</summary>
internal static class UpstreamErrorMessage
{
    private const int MaxLength = 500;

    public static async Task<string?> ReadAsync(HttpContent content, CancellationToken deadline)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        bounded.CancelAfter(GatewayOptions.ErrorBodyTime);
        byte[]? body;
        try
        {
            body = await BoundedBody.ReadAsync(content, GatewayOptions.MaxErrorBodyBytes, bounded.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            return null;
        }
        if (body is null || !System.Text.Unicode.Utf8.IsValid(body)) return null;
        try
        {
            var node = JsonNode.Parse(body);
            var message = Text(node?["error"] is JsonObject error ? error["message"] : node?["error"] ?? node?["message"] ?? node?["detail"]);
            return message is null ? null : Clean(message);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static string? Clean(string text)
    {
        var clean = new StringBuilder(Math.Min(text.Length, MaxLength));
        foreach (var c in text)
        {
            if (clean.Length == MaxLength) break;
            clean.Append(char.IsControl(c) ? ' ' : c);
        }
        var result = clean.ToString().Trim();
        return result.Length == 0 ? null : result + (text.Length > MaxLength ? "…" : "");
    }
}
