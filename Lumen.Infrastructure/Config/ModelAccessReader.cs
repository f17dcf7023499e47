using Lumen.Domain.Access;
using Lumen.Domain.Config;

namespace Lumen.Infrastructure.Config;

/// <summary>A model named in a <c>model_access</c> list, kept with its node to warn when <c>models</c> lacks it.</summary>
internal sealed record ListedModel(string Model, string List, string Where, ScalarNode Node);

/// <summary>Reads one <c>model_access</c> mapping (§2, §5).</summary>
internal static class ModelAccessReader
{
    private const string DefaultKey = "default";

    // Most restrictive first: §5 checks blacklist, then graylist, then whitelist.
    private static readonly string[] Lists = ["blacklist", "graylist", "whitelist"];
    private static readonly string[] Keys = [DefaultKey, "blacklist", "whitelist", "graylist"];
    private static readonly Dictionary<string, AccessMode> Modes = new(StringComparer.Ordinal)
    {
        ["whitelist"] = AccessMode.Whitelist,
        ["blacklist"] = AccessMode.Blacklist,
        ["graylist"] = AccessMode.Graylist,
    };

    /// <summary>The entry (an empty value means every part omitted), or null after an error.</summary>
    public static ModelAccessEntry? Read(YamlTreeNode node, string where, ConfigIssues issues, List<ListedModel> listed)
    {
        if (node is ScalarNode { IsNull: true }) return new ModelAccessEntry();
        var at = $"model_access of {where}";
        if (node is not MappingNode map)
        {
            issues.Error(node, $"{at} must be a mapping (default and lists), found {node.Describe()}.");
            return null;
        }

        var errorsBefore = issues.ErrorCount;
        AccessMode? mode = null;
        var lists = new Dictionary<string, List<ScalarNode>>(StringComparer.Ordinal);
        NodeReader.ReadKeys(map, at, Keys, strict: true, issues, (key, entry) =>
        {
            if (key == DefaultKey) mode = ReadMode(entry.Value, at, issues);
            else lists[key] = NodeReader.TextList(entry.Value, $"{key} of {at}", issues);
        });
        if (issues.ErrorCount > errorsBefore) return null;

        foreach (var (list, items) in lists)
            listed.AddRange(items.Select(i => new ListedModel(i.Value, list, where, i)));
        WarnAboutOverlaps(lists, at, issues);
        return new ModelAccessEntry(mode, Names(lists, "blacklist"), Names(lists, "whitelist"), Names(lists, "graylist"));
    }

    private static AccessMode? ReadMode(YamlTreeNode node, string at, ConfigIssues issues)
    {
        if (node is ScalarNode { IsNull: false } s && Modes.TryGetValue(s.Value, out var mode)) return mode;
        issues.Error(node, $"default of {at} must be one of whitelist, blacklist, graylist; found {node.Describe()}.");
        return null;
    }

    /// <summary>A model in several lists works (the most restrictive list wins) but is probably a slip.</summary>
    private static void WarnAboutOverlaps(Dictionary<string, List<ScalarNode>> lists, string at, ConfigIssues issues)
    {
        var occurrences = lists
            .SelectMany(l => l.Value.Select(node => (List: l.Key, Node: node)))
            .GroupBy(o => o.Node.Value, StringComparer.Ordinal);
        foreach (var model in occurrences)
        {
            var inLists = Lists.Where(l => model.Any(o => o.List == l)).ToList();
            if (inLists.Count < 2) continue;
            var last = model.MaxBy(o => (o.Node.At.Line, o.Node.At.Column));
            issues.Warning(last.Node,
                $"Model '{model.Key}' is in {string.Join(" and ", inLists)} of {at}; the most restrictive, {inLists[0]}, wins.");
        }
    }

    private static List<string>? Names(Dictionary<string, List<ScalarNode>> lists, string list) =>
        lists.TryGetValue(list, out var items) ? items.Select(i => i.Value).Distinct(StringComparer.Ordinal).ToList() : null;
}
