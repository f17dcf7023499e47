using Lumen.Domain.Config;

namespace Lumen.Infrastructure.Events;

public enum ClientChangeKind { Created, SettingsApplied, ActiveChanged, ManagersChanged, KeysChanged, ConsentChanged, UsageChanged }

/// <summary>Something changed about a client; open views refresh on it. Settings changes carry before and after.</summary>
public sealed record ClientChange(
    string Client,
    ClientChangeKind Kind,
    string Summary,
    AppliedSettings? Before = null,
    AppliedSettings? After = null);
