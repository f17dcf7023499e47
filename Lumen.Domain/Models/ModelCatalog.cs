namespace Lumen.Domain.Models;

/// <summary>The models of the config, by name (names are matched exactly, as clients send them).</summary>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, ModelDefinition> _byName;

    public ModelCatalog(IEnumerable<ModelDefinition> models)
    {
        All = models.ToList();
        _byName = new Dictionary<string, ModelDefinition>(StringComparer.Ordinal);
        foreach (var m in All) _byName.TryAdd(m.Name, m);
    }

    public static readonly ModelCatalog Empty = new([]);

    public IReadOnlyList<ModelDefinition> All { get; }

    /// <summary>The model if it is defined and active (§5 step 1), else null.</summary>
    public ModelDefinition? FindActive(string name) =>
        _byName.TryGetValue(name, out var m) && m.Active ? m : null;

    public bool Defines(string name) => _byName.ContainsKey(name);
}
