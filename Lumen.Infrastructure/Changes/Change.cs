using Lumen.Domain.Config;

namespace Lumen.Infrastructure.Changes;

public enum ChangeKind
{
    Created, SettingsApplied, ActiveChanged, ManagersChanged, KeysChanged, ConsentChanged, UsageChanged,

    /// <summary>The config file was read again (applied or rejected): about no one client.</summary>
    ConfigLoaded,
}

/// <summary>
/// Something changed that open views show (§7). Most changes are about one client; a config load, and a change too
/// large to name every client (a save that changes 100,000), have no <see cref="Client"/>: every view refreshes.
/// Settings changes carry before and after.
/// </summary>
public sealed record Change(
    string? Client,
    ChangeKind Kind,
    string Summary,
    AppliedSettings? Before = null,
    AppliedSettings? After = null)
{
    /// <summary>The config file was read: <paramref name="summary"/> says whether it was applied or rejected.</summary>
    public static Change ConfigLoaded(string summary) => new(null, ChangeKind.ConfigLoaded, summary);

    /// <summary>
    /// The person (normalised e-mail) a change is about, such as a manager added or removed: they hear of it even
    /// when it takes the client out of their sight, so their open views refresh and hide it.
    /// </summary>
    public string? Concerns { get; init; }

    /// <summary>Whether this change names no client and so concerns every view.</summary>
    public bool IsGeneral => Client is null;
}
