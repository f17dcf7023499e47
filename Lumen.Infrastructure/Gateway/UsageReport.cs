using System.Text.Json;

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
    public static UsageReport Read(JsonElement node, string input, string? output)
    {
        if (!AnswerJson.TryGet(node, "usage", out var usage) || usage.ValueKind != JsonValueKind.Object) return None;
        var inputCount = Count(usage, input);
        var outputCount = output is null ? default : Count(usage, output);
        if (IsAbsent(inputCount) && IsAbsent(outputCount)) return None;
        if (!TryCount(inputCount, out var i) || !TryCount(outputCount, out var o)) return new(null, Implausible: true);
        return new(new TokenUsage(i, o), false);
    }

    private static JsonElement Count(JsonElement usage, string name) => usage.TryGetProperty(name, out var count) ? count : default;

    // A JSON null reads as absent, as it always has.
    private static bool IsAbsent(JsonElement count) => count.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    /// <summary>A count of tokens: an integer JSON number from 0 to <see cref="MaxTokens"/>; absent counts as 0.</summary>
    private static bool TryCount(JsonElement node, out long count)
    {
        count = 0;
        if (IsAbsent(node)) return true;
        return node.ValueKind == JsonValueKind.Number && node.TryGetInt64(out count) && count is >= 0 and <= MaxTokens;
    }
}
