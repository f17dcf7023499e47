using Lumen.Domain.Budget;
using Lumen.Domain.Clients;
using Lumen.Domain.Config;

namespace Lumen.Infrastructure.Config;

/// <summary>Reads <c>clients</c>: the default entry and named entries, strictly (§2.1, §2.2).</summary>
internal static class ClientsSectionReader
{
    private static readonly string[] EntryKeys = ["max", "refresh", "starting", "model_access"];
    private static readonly string[] AccessKeys = ["default", "blacklist", "whitelist", "graylist"];

    /// <summary>The section, or null after an error. Models named in lists are added to <paramref name="listed"/>.</summary>
    public static ClientsSection? Read(YamlTreeNode node, ConfigIssues issues, List<ListedModel> listed)
    {
        if (node is ScalarNode { IsNull: true })
        {
            // A truncated save must never block every client (§2.2).
            issues.Error(node, "clients has no value. Write 'clients: {}' if every client is really to be blocked.");
            return null;
        }
        if (node is not MappingNode map)
        {
            issues.Error(node, $"clients must be a mapping of client names to entries, found {node.Describe()}.");
            return null;
        }
        if (map.Entries.Count == 0)
            issues.Warning(map, "clients is empty: every client is blocked and denied every model.");

        var errorsBefore = issues.ErrorCount;
        ClientEntry? defaultEntry = null;
        var named = new Dictionary<string, ClientEntry>(StringComparer.OrdinalIgnoreCase);
        var first = new Dictionary<string, ScalarNode>(StringComparer.OrdinalIgnoreCase);
        foreach (var (keyNode, value) in map.Entries)
        {
            if (keyNode is not ScalarNode { IsNull: false } key)
            {
                issues.Error(keyNode, $"A client name must be text, found {keyNode.Describe()}.");
                continue;
            }
            var name = key.Value;
            if (first.TryGetValue(name, out var earlier))
            {
                var spelling = earlier.Value == name ? "" : $" as '{earlier.Value}' (names are case-insensitive)";
                issues.Error(key, $"Duplicate client name '{name}': it already has an entry{spelling} on line {earlier.At.Line}.");
                continue;
            }
            first.Add(name, key);
            var isDefault = name == ClientName.Reserved;
            if (!isDefault && ClientName.Validate(name) is { } invalid)
                issues.Error(key, $"Invalid client name '{name}': {invalid}");

            var entry = ReadEntry(value, ClientsSection.EntryLabel(name), issues, listed);
            if (entry is null) continue;
            if (isDefault) defaultEntry = entry;
            else named[name] = entry;
        }
        return issues.ErrorCount > errorsBefore ? null : new ClientsSection(defaultEntry, named);
    }

    /// <summary>One entry: an empty value or <c>{}</c> is an entry with every field omitted (§2.1).</summary>
    private static ClientEntry? ReadEntry(YamlTreeNode node, string where, ConfigIssues issues, List<ListedModel> listed)
    {
        if (node is ScalarNode { IsNull: true }) return ClientEntry.Empty;
        if (node is not MappingNode map)
        {
            issues.Error(node, $"The entry of {where} must be a mapping (max, refresh, starting, model_access), found {node.Describe()}.");
            return null;
        }

        var errorsBefore = issues.ErrorCount;
        decimal? max = null, refresh = null, starting = null;
        YamlTreeNode? startingNode = null;
        ModelAccessEntry? access = null;
        NodeReader.ReadKeys(map, where, EntryKeys, strict: true, issues, (key, entry) =>
        {
            switch (key)
            {
                case "max":
                    max = ReadMax(entry.Value, where, issues);
                    break;
                case "refresh":
                    refresh = AtMost(NodeReader.NonNegative(entry.Value, $"refresh of {where}", issues),
                        BudgetSettings.MaxRefreshPerHour, entry.Value, $"refresh of {where}", issues);
                    break;
                case "starting":
                    starting = AtMost(NodeReader.NonNegative(entry.Value, $"starting of {where}", issues),
                        BudgetSettings.MaxCoins, entry.Value, $"starting of {where}", issues);
                    startingNode = entry.Value;
                    break;
                default:
                    access = ModelAccessReader.Read(entry.Value, where, issues, listed);
                    break;
            }
        }, MisplacedAccessKey);
        if (issues.ErrorCount > errorsBefore) return null;

        if (max is { } m && starting is { } s && BudgetSettings.StartingAboveMax(m, s, where) is { } warning)
            issues.Warning(startingNode!, warning);
        return new ClientEntry(max, refresh, starting, access);
    }

    private static decimal? ReadMax(YamlTreeNode node, string where, ConfigIssues issues)
    {
        var max = NodeReader.Number(node, $"max of {where}", issues);
        if (max is null || max == BudgetSettings.UnlimitedMax) return max;
        if (max >= 0) return AtMost(max, BudgetSettings.MaxCoins, node, $"max of {where}", issues);
        issues.Error(node, $"max of {where} must be -2 (unlimited), 0 (blocked) or a positive number of coins, found {NodeReader.Format(max.Value)}.");
        return null;
    }

    private static decimal? AtMost(decimal? value, decimal limit, YamlTreeNode node, string field, ConfigIssues issues)
    {
        if (value is null || value <= limit) return value;
        issues.Error(node, $"{field} must be at most {NodeReader.Format(limit)}, found {NodeReader.Format(value.Value)}.");
        return null;
    }

    // "whitelist:" written straight under a client is a common slip: point at model_access.
    private static string? MisplacedAccessKey(string key) =>
        AccessKeys.Contains(key, StringComparer.Ordinal) ? $"'{key}' belongs under 'model_access'." : null;
}
