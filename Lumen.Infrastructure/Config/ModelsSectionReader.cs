using Lumen.Domain.Budget;
using Lumen.Domain.Models;

namespace Lumen.Infrastructure.Config;

/// <summary>Reads <c>models</c>: a list of models with prices and upstream endpoints (§2).</summary>
internal static class ModelsSectionReader
{
    // Other keys a full Lumen config puts on models and endpoints are skipped, not rejected (§2.2).
    private static readonly string[] ModelKeys = ["name", "input_cost_per_million", "output_cost_per_million", "active", "endpoints"];
    private static readonly string[] EndpointKeys = ["url", "model", "api_key_env", "api_key", "max_concurrent"];

    /// <summary>The models read; those with errors are left out (the errors reject the file anyway).</summary>
    public static List<ModelDefinition> Read(YamlTreeNode node, ConfigIssues issues)
    {
        if (node is ScalarNode { IsNull: true }) return [];
        if (node is not SequenceNode list)
        {
            issues.Error(node, $"models must be a list of models (each with a name), found {node.Describe()}.");
            return [];
        }

        var models = new List<ModelDefinition>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (ReadModel(list.Items[i], i + 1, issues) is not { } read) continue;
            var (model, nameNode) = read;
            if (firstLine.TryGetValue(model.Name, out var line))
            {
                issues.Error(nameNode, $"Duplicate model name '{model.Name}': it is already defined on line {line}.");
                continue;
            }
            firstLine.Add(model.Name, nameNode.At.Line);
            models.Add(model);
        }
        return models;
    }

    private static (ModelDefinition Model, YamlTreeNode NameNode)? ReadModel(YamlTreeNode node, int index, ConfigIssues issues)
    {
        if (node is not MappingNode map)
        {
            issues.Error(node, $"models item {index} must be a mapping with at least a name, found {node.Describe()}.");
            return null;
        }

        var errorsBefore = issues.ErrorCount;
        var nameEntry = map.Entries.FirstOrDefault(e => e.KeyText == "name");
        var name = nameEntry is null ? null : NodeReader.RequiredText(nameEntry.Value, $"name of models item {index}", issues);
        var where = name is null ? $"models item {index}" : $"model '{name}'";
        decimal input = 0, output = 0;
        var active = true;
        YamlTreeNode? endpointsNode = null;
        NodeReader.ReadKeys(map, where, ModelKeys, strict: false, issues, (key, entry) =>
        {
            switch (key)
            {
                case "input_cost_per_million":
                    input = NodeReader.NonNegative(entry.Value, $"{key} of {where}", issues) ?? 0;
                    break;
                case "output_cost_per_million":
                    output = NodeReader.NonNegative(entry.Value, $"{key} of {where}", issues) ?? 0;
                    break;
                case "active":
                    active = NodeReader.Bool(entry.Value, $"active of {where}", issues) ?? true;
                    break;
                case "endpoints":
                    endpointsNode = entry.Value;
                    break;
            }
        });
        NodeReader.WarnNearMisses(map, where, ModelKeys, issues);
        if (nameEntry is null) issues.Error(map, $"{where} has no name; every model needs 'name'.");

        var endpoints = endpointsNode is null ? [] : ReadEndpoints(endpointsNode, where, name ?? "", issues);
        if (name is null || issues.ErrorCount > errorsBefore) return null;
        var price = new ModelPrice(new Coins(input), new Coins(output));
        return (new ModelDefinition(name, price, endpoints, active), nameEntry!.Value);
    }

    private static List<ModelEndpoint> ReadEndpoints(YamlTreeNode node, string where, string modelName, ConfigIssues issues)
    {
        if (node is ScalarNode { IsNull: true }) return [];
        if (node is not SequenceNode list)
        {
            issues.Error(node, $"endpoints of {where} must be a list of endpoints (each with a url), found {node.Describe()}.");
            return [];
        }

        var endpoints = new List<ModelEndpoint>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var at = $"endpoint {i + 1} of {where}";
            if (list.Items[i] is not MappingNode map)
            {
                issues.Error(list.Items[i], $"{at} must be a mapping with at least a url, found {list.Items[i].Describe()}.");
                continue;
            }
            string? url = null, upstream = null, keyEnv = null, key = null;
            int? maxConcurrent = null;
            var hasUrl = false;
            NodeReader.ReadKeys(map, at, EndpointKeys, strict: false, issues, (k, entry) =>
            {
                switch (k)
                {
                    case "url":
                        hasUrl = true;
                        url = NodeReader.RequiredText(entry.Value, $"url of {at}", issues);
                        break;
                    case "model":
                        upstream = NodeReader.OptionalText(entry.Value, $"model of {at}", issues);
                        break;
                    case "api_key_env":
                        keyEnv = NodeReader.OptionalText(entry.Value, $"api_key_env of {at}", issues);
                        break;
                    case "api_key":
                        key = NodeReader.OptionalText(entry.Value, $"api_key of {at}", issues);
                        break;
                    case "max_concurrent":
                        maxConcurrent = NodeReader.PositiveInteger(entry.Value, $"max_concurrent of {at}", issues);
                        break;
                }
            });
            NodeReader.WarnNearMisses(map, at, EndpointKeys, issues);
            if (!hasUrl) issues.Error(map, $"{at} has no url; every endpoint needs 'url'.");
            // The upstream model id defaults to the model's own name (§2).
            if (url is not null) endpoints.Add(new ModelEndpoint(url, upstream ?? modelName, keyEnv, key, maxConcurrent));
        }
        return endpoints;
    }
}
