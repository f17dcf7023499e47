using Lumen.Domain.Clients;

namespace Lumen.Domain.Config;

/// <summary>The <c>clients</c> section: an optional <c>default</c> entry and named entries.</summary>
public sealed class ClientsSection
{
    private readonly Dictionary<string, ClientEntry> _named;

    public ClientsSection(ClientEntry? defaultEntry, IReadOnlyDictionary<string, ClientEntry> named)
    {
        Default = defaultEntry;
        _named = new Dictionary<string, ClientEntry>(named, StringComparer.OrdinalIgnoreCase);
    }

    public ClientEntry? Default { get; }
    public IReadOnlyDictionary<string, ClientEntry> Named => _named;

    /// <summary>§2.1: the named entry, else <c>default</c>, else nothing at all.</summary>
    public ClientSettings Resolve(ClientName name) =>
        _named.TryGetValue(name.Value, out var entry) ? ClientSettings.FromEntry(entry, EntrySource.NamedEntry) : Unnamed;

    /// <summary>What every client without a named entry gets: <c>default</c>, else nothing at all.</summary>
    public ClientSettings Unnamed => Default is not null ? ClientSettings.FromEntry(Default, EntrySource.DefaultEntry) : ClientSettings.Nothing;

    public bool HasNamedEntry(ClientName name) => _named.ContainsKey(name.Value);

    /// <summary>How messages name an entry: <c>clients.default</c>, or <c>client 'name'</c> for a named one.</summary>
    public static string EntryLabel(string name) => name == ClientName.Reserved ? "clients.default" : $"client '{name}'";
}
