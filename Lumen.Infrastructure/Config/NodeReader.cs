using System.Globalization;

namespace Lumen.Infrastructure.Config;

/// <summary>Typed reads of tree nodes. Each read reports a wrong shape as an error at the node and returns "no value".</summary>
internal static class NodeReader
{
    // YAML 1.1 booleans too: an existing Lumen config is read by PyYAML, which accepts them.
    private static readonly string[] TrueWords = ["true", "yes", "on"];
    private static readonly string[] FalseWords = ["false", "no", "off"];

    /// <summary>
    /// Visits the entries of <paramref name="map"/> whose key is in <paramref name="allowed"/>, reporting
    /// non-text keys and duplicates. Unknown keys are an error (with a suggestion) when <paramref name="strict"/>,
    /// otherwise they are skipped unread, so foreign sections of a full Lumen config pass.
    /// </summary>
    public static void ReadKeys(MappingNode map, string where, IReadOnlyList<string> allowed, bool strict,
        ConfigIssues issues, Action<string, MappingEntry> read, Func<string, string?>? hint = null)
    {
        var seen = new Dictionary<string, TextPosition>(StringComparer.Ordinal);
        foreach (var entry in map.Entries)
        {
            if (entry.Key is not ScalarNode { IsNull: false } key)
            {
                if (strict) issues.Error(entry.Key, $"Keys in {where} must be text, found {entry.Key.Describe()}.");
                continue;
            }
            if (!allowed.Contains(key.Value, StringComparer.Ordinal))
            {
                if (strict) issues.Error(key, UnknownKey(key.Value, where, allowed, hint));
                continue;
            }
            if (seen.TryGetValue(key.Value, out var first))
            {
                issues.Error(key, $"Duplicate key '{key.Value}' in {where}: it is already set on line {first.Line}.");
                continue;
            }
            seen.Add(key.Value, key.At);
            read(key.Value, entry);
        }
    }

    /// <summary>
    /// Warns of each key that is not <paramref name="allowed"/> but within two letters of one (<c>max_concurent</c>):
    /// where unknown keys are skipped (a full Lumen config has others), a typo must still not pass unseen (§20).
    /// </summary>
    public static void WarnNearMisses(MappingNode map, string where, IReadOnlyList<string> allowed, ConfigIssues issues)
    {
        foreach (var entry in map.Entries)
        {
            if (entry.Key is not ScalarNode { IsNull: false } key || allowed.Contains(key.Value, StringComparer.Ordinal)) continue;
            if (KeySuggestion.Closest(key.Value, allowed) is { } close)
                issues.Warning(key, $"Unknown key '{key.Value}' in {where} is ignored; did you mean '{close}'?");
        }
    }

    private static string UnknownKey(string key, string where, IReadOnlyList<string> allowed, Func<string, string?>? hint)
    {
        var advice = hint?.Invoke(key)
            ?? (KeySuggestion.Closest(key, allowed) is { } close ? $"did you mean '{close}'?" : null);
        var prefix = $"Unknown key '{key}' in {where}";
        return advice is null
            ? $"{prefix}. Allowed keys: {string.Join(", ", allowed)}."
            : $"{prefix}; {advice} Allowed keys: {string.Join(", ", allowed)}.";
    }

    /// <summary>An unquoted number such as 100, 100.0, 0.05 or -2, read as an exact decimal.</summary>
    public static decimal? Number(YamlTreeNode node, string field, ConfigIssues issues)
    {
        if (node is ScalarNode { IsPlain: true, IsNull: false } s
            && decimal.TryParse(s.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var value))
            return value;
        var quoted = node is ScalarNode { IsPlain: false } ? " (remove the quotes)" : "";
        issues.Error(node, $"{field} must be a number, found {node.Describe()}{quoted}.");
        return null;
    }

    /// <summary>A number that must be 0 or more.</summary>
    public static decimal? NonNegative(YamlTreeNode node, string field, ConfigIssues issues)
    {
        var value = Number(node, field, issues);
        if (value is not < 0) return value;
        issues.Error(node, $"{field} must not be negative, found {Format(value.Value)}.");
        return null;
    }

    /// <summary>A whole number of 1 or more (a count, such as an endpoint's <c>max_concurrent</c>).</summary>
    public static int? PositiveInteger(YamlTreeNode node, string field, ConfigIssues issues)
    {
        var value = Number(node, field, issues);
        if (value is null) return null;
        if (value >= 1 && value <= int.MaxValue && value == decimal.Truncate(value.Value)) return (int)value.Value;
        issues.Error(node, $"{field} must be a whole number of 1 or more, found {Format(value.Value)}.");
        return null;
    }

    /// <summary>Text, or null both for an empty value (no error) and for a wrong shape (error).</summary>
    public static string? OptionalText(YamlTreeNode node, string field, ConfigIssues issues)
    {
        if (node is ScalarNode s) return s.IsNull ? null : s.Value;
        issues.Error(node, $"{field} must be text, found {node.Describe()}.");
        return null;
    }

    /// <summary>Text that must be present and not blank.</summary>
    public static string? RequiredText(YamlTreeNode node, string field, ConfigIssues issues)
    {
        if (node is ScalarNode { IsNull: false } s && !string.IsNullOrWhiteSpace(s.Value)) return s.Value;
        issues.Error(node, $"{field} must be text, found {(node is ScalarNode ? "no value" : node.Describe())}.");
        return null;
    }

    public static bool? Bool(YamlTreeNode node, string field, ConfigIssues issues)
    {
        if (node is ScalarNode { IsPlain: true } s)
        {
            if (TrueWords.Contains(s.Value, StringComparer.OrdinalIgnoreCase)) return true;
            if (FalseWords.Contains(s.Value, StringComparer.OrdinalIgnoreCase)) return false;
        }
        issues.Error(node, $"{field} must be true or false, found {node.Describe()}.");
        return null;
    }

    /// <summary>A list of texts (an empty value is an empty list); each bad item is reported on its own.</summary>
    public static List<ScalarNode> TextList(YamlTreeNode node, string field, ConfigIssues issues)
    {
        if (node is ScalarNode { IsNull: true }) return [];
        if (node is not SequenceNode list)
        {
            issues.Error(node, $"{field} must be a list, found {node.Describe()}.");
            return [];
        }
        var items = new List<ScalarNode>();
        foreach (var item in list.Items)
        {
            if (item is ScalarNode { IsNull: false } s && !string.IsNullOrWhiteSpace(s.Value)) items.Add(s);
            else issues.Error(item, $"Items of {field} must be text, found {(item is ScalarNode ? "no value" : item.Describe())}.");
        }
        return items;
    }

    public static string Format(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
