using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// What an answer says of its usage (§15): nothing (then the estimate is charged), plausible counts, or implausible
/// ones (a count that is negative, not an integer, or above 10⁹), which make the answer a failure that is not charged.
/// </summary>
public readonly record struct UsageReport(TokenUsage? Usage, bool Implausible)
{
    public const long MaxTokens = 1_000_000_000;

    public static UsageReport None => default;

    /// <summary>
    /// Reads <c>usage.{input}</c> and <c>usage.{output}</c> of <paramref name="node"/> (no output count for an
    /// operation that has none, such as embeddings); an answer without them reports nothing.
    /// </summary>
    public static UsageReport Read(JsonNode? node, string input, string? output)
    {
        if (node is not JsonObject answer || answer["usage"] is not JsonObject usage) return None;
        var outputCount = output is null ? null : usage[output];
        if (usage[input] is null && outputCount is null) return None;
        if (!TryCount(usage[input], out var i) || !TryCount(outputCount, out var o)) return new(null, Implausible: true);
        return new(new TokenUsage(i, o), false);
    }

    /// <summary>A count of tokens: an integer JSON number from 0 to <see cref="MaxTokens"/>; absent counts as 0.</summary>
    private static bool TryCount(JsonNode? node, out long count)
    {
        count = 0;
        if (node is null) return true;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number) return false;
        return value.TryGetValue(out count) && count is >= 0 and <= MaxTokens;
    }
}
