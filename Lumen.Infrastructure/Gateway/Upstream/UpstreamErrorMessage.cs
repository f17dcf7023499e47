using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway.Upstream;

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
