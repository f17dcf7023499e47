using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Ledger;

namespace Lumen.Infrastructure.Clients;

/// <summary>A client as the use cases report it: its name, whether its keys work, and who created it when (UTC).</summary>
public sealed record ClientInfo(string Name, bool IsActive, DateTime CreatedAt, string CreatedBy)
{
    internal static ClientInfo From(ClientRow row) => new(row.Name, row.IsActive, StoredTime.Utc(row.CreatedAt), row.CreatedBy);
}

/// <summary>A client with its pool read at one moment (the command line's list).</summary>
public sealed record ClientSummary(ClientInfo Client, PoolSnapshot Pool);
