using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway;

/// <summary>One input of an embeddings or completions request: its text (token ids as their JSON) and its tokens.</summary>
public sealed record PromptItem(string Text, long Tokens);

/// <summary>
/// The <c>input</c> of embeddings and the <c>prompt</c> of legacy completions, in OpenAI's four shapes: a string, an array
/// of strings, an array of token ids, or an array of arrays of token ids.
/// </summary>
public static class PromptInput
{
    public static (IReadOnlyList<PromptItem>? Items, GatewayError? Problem) Parse(JsonNode? node, string field)
    {
        var wrong = RequestJson.WrongType(field, "a string, an array of strings, or an array of token ids (or of such arrays)");
        switch (node)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return ([Text(v.GetValue<string>())], null);
            case JsonArray { Count: > 0 } array when array.All(IsToken):
                return ([new PromptItem(array.ToJsonString(), array.Count)], null);
            case JsonArray { Count: > 0 } array:
                var items = new List<PromptItem>(array.Count);
                foreach (var element in array)
                {
                    if (element is JsonValue s && s.GetValueKind() == JsonValueKind.String) items.Add(Text(s.GetValue<string>()));
                    else if (element is JsonArray { Count: > 0 } tokens && tokens.All(IsToken)) items.Add(new PromptItem(tokens.ToJsonString(), tokens.Count));
                    else return (null, wrong);
                }
                return (items, null);
            default:
                return (null, wrong);
        }
    }

    private static PromptItem Text(string text) => new(text, TokenEstimate.Of(text));

    private static bool IsToken(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var id) && id >= 0;
}
