using Lumen.Domain.ApiKeys;
using Lumen.Domain.Config;
using Lumen.Domain.Models;

namespace Lumen.Infrastructure.Config;

/// <summary>Reads <c>config.yaml</c> (§2) into a <see cref="LumenConfig"/>, validating all of §2.2.</summary>
public static class ConfigLoader
{
    // Everything else at the top level (app, oauth2, groups, …) belongs to a full Lumen deployment and is ignored.
    private static readonly string[] Sections = ["admins", "models", "clients", "keys"];

    public static ConfigLoadResult LoadFile(string path)
    {
        string text;
        try { text = ConfigFileText.Read(path); }
        catch (IOException e) { return ConfigLoadResult.Invalid([new ConfigIssue(0, 0, $"Cannot read {path}: {e.Message}")]); }
        catch (UnauthorizedAccessException e) { return ConfigLoadResult.Invalid([new ConfigIssue(0, 0, $"Cannot read {path}: {e.Message}")]); }
        return Parse(text);
    }

    /// <summary>
    /// Validates the whole text and returns every error with its line and column; a config only when there
    /// are none, so nothing of a rejected file is ever applied. Warnings accompany a valid config.
    /// </summary>
    public static ConfigLoadResult Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var tree = YamlTreeReader.Read(yaml);
        if (tree.Error is not null) return ConfigLoadResult.Invalid([tree.Error]);
        if (tree.Root is null or ScalarNode { IsNull: true })
        {
            return ConfigLoadResult.Invalid([new ConfigIssue(1, 1,
                "The config file is empty. It needs at least a clients section (a truncated save must never block every client).")]);
        }

        var issues = new ConfigIssues();
        if (tree.Root is not MappingNode root)
        {
            issues.Error(tree.Root, $"The config must be a mapping of sections (admins, models, clients, …), found {tree.Root.Describe()}.");
            return ConfigLoadResult.Invalid(issues.Errors);
        }

        List<string> admins = [];
        List<ModelDefinition> models = [];
        List<ListedModel> listed = [];
        ClientsSection? clients = null;
        var keys = KeyPolicy.None;
        var hasClients = false;
        NodeReader.ReadKeys(root, "the top level", Sections, strict: false, issues, (key, entry) =>
        {
            switch (key)
            {
                case "admins":
                    admins = NodeReader.TextList(entry.Value, "admins", issues).Select(a => a.Value.Trim()).ToList();
                    break;
                case "models":
                    models = ModelsSectionReader.Read(entry.Value, issues);
                    break;
                case "keys":
                    keys = KeysSectionReader.Read(entry.Value, issues);
                    break;
                default:
                    hasClients = true;
                    clients = ClientsSectionReader.Read(entry.Value, issues, listed);
                    break;
            }
        });
        if (!hasClients)
        {
            issues.Error(root, "The config has no clients section. Without it every client would be blocked, so the file is " +
                "rejected as if truncated; write 'clients: {}' if that is really meant.");
        }
        if (issues.HasErrors || clients is null) return ConfigLoadResult.Invalid(issues.Errors);

        var catalog = new ModelCatalog(models);
        foreach (var item in listed.Where(l => !catalog.Defines(l.Model)))
        {
            issues.Warning(item.Node, $"Model '{item.Model}' in {item.List} of {item.Where} is not defined in models; " +
                "the entry has no effect until the model is added.");
        }
        return new ConfigLoadResult(new LumenConfig(admins, catalog, clients, keys), [], issues.Warnings);
    }
}
