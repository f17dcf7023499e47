using Lumen.Domain.ApiKeys;
using Lumen.Domain.Models;
using Lumen.Domain.People;

namespace Lumen.Domain.Config;

/// <summary>A validated config file: admins, models, clients and the key policy.</summary>
public sealed class LumenConfig
{
    private readonly HashSet<string> _admins;
    private readonly HashSet<string> _adminKeys;

    public LumenConfig(IEnumerable<string> admins, ModelCatalog models, ClientsSection clients, KeyPolicy? keys = null)
    {
        Keys = keys ?? KeyPolicy.None;
        _admins = new HashSet<string>(admins.Select(a => a.Trim()), StringComparer.OrdinalIgnoreCase);
        _adminKeys = new HashSet<string>(_admins.Select(EmailAddress.Normalize), StringComparer.Ordinal);
        Models = models;
        Clients = clients;
    }

    public IReadOnlyCollection<string> Admins => _admins;
    public ModelCatalog Models { get; }
    public ClientsSection Clients { get; }

    /// <summary>The <c>keys</c> section (§22): the lifetime ceiling of new keys.</summary>
    public KeyPolicy Keys { get; }

    /// <summary>Admin addresses compare case-insensitively (§6), as every e-mail address does (<see cref="EmailAddress.Normalize"/>).</summary>
    public bool IsAdmin(string? email) => email is not null && _adminKeys.Contains(EmailAddress.Normalize(email));
}
