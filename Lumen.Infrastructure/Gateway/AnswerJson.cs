using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// Reads an upstream's answer as parsed from its own bytes (a <see cref="JsonDocument"/>, no copy as strings): a
/// part that is absent or of another type reads as nothing, since an answer is relayed whatever extras it carries.
/// </summary>
public static class AnswerJson
{
    /// <summary>The property <paramref name="name"/> of <paramref name="node"/> when it is an object holding it.</summary>
    public static bool TryGet(JsonElement node, string name, out JsonElement value)
    {
        value = default;
        return node.ValueKind == JsonValueKind.Object && node.TryGetProperty(name, out value);
    }

    /// <summary>The string property <paramref name="name"/>, or null.</summary>
    public static string? Text(JsonElement node, string name) =>
        TryGet(node, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// The length in UTF-16 characters (what <see cref="TokenEstimate"/> counts) of the string property
    /// <paramref name="name"/>, 0 when there is none; read off the bytes, so a streamed chunk's text is never copied.
    /// </summary>
    public static long TextLength(JsonElement node, string name)
    {
        if (!TryGet(node, name, out var value) || value.ValueKind != JsonValueKind.String) return 0;
        var quoted = JsonMarshal.GetRawUtf8Value(value);
        var raw = quoted[1..^1];
        return raw.Contains((byte)'\\') ? value.GetString()!.Length : Encoding.UTF8.GetCharCount(raw);
    }

    /// <summary>The objects of the array property <paramref name="name"/> (none when it is not an array).</summary>
    public static IEnumerable<JsonElement> Objects(JsonElement node, string name)
    {
        if (!TryGet(node, name, out var array) || array.ValueKind != JsonValueKind.Array) yield break;
        foreach (var item in array.EnumerateArray())
            if (item.ValueKind == JsonValueKind.Object) yield return item;
    }
}
