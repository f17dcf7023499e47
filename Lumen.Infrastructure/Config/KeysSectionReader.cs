using Lumen.Domain.ApiKeys;

namespace Lumen.Infrastructure.Config;

/// <summary>Reads the <c>keys</c> section (§22): <c>keys: {max_days: N}</c>, the longest lifetime of a new key.</summary>
internal static class KeysSectionReader
{
    private static readonly string[] Keys = ["max_days"];

    public static KeyPolicy Read(YamlTreeNode node, ConfigIssues issues)
    {
        if (node is ScalarNode { IsNull: true }) return KeyPolicy.None;
        if (node is not MappingNode map)
        {
            issues.Error(node, $"keys must be a mapping such as {{max_days: 365}}, found {node.Describe()}.");
            return KeyPolicy.None;
        }
        int? maxDays = null;
        NodeReader.ReadKeys(map, "keys", Keys, strict: true, issues, (_, entry) =>
        {
            if (entry.Value is ScalarNode { IsNull: true }) return;
            maxDays = NodeReader.PositiveInteger(entry.Value, "keys.max_days", issues);
            if (maxDays > KeyLifetime.MaxDays)
            {
                issues.Error(entry.Value, $"keys.max_days must be at most {KeyLifetime.MaxDays}, found {maxDays}.");
                maxDays = null;
            }
        });
        return new KeyPolicy(maxDays);
    }
}
