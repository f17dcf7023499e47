using Lumen.Domain.Models;

namespace Lumen.Domain.Config;

/// <summary>A validated config file: admins, models and clients.</summary>
public sealed class LumenConfig
{
    private readonly HashSet<string> _admins;

    public LumenConfig(IEnumerable<string> admins, ModelCatalog models, ClientsSection clients)
    {
        _admins = new HashSet<string>(admins.Select(a => a.Trim()), StringComparer.OrdinalIgnoreCase);
        Models = models;
        Clients = clients;
    }

    public IReadOnlyCollection<string> Admins => _admins;
    public ModelCatalog Models { get; }
    public ClientsSection Clients { get; }

    /// <summary>Admin addresses compare case-insensitively (§6).</summary>
    public bool IsAdmin(string? email) => email is not null && _admins.Contains(email.Trim());
}
