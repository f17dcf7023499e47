using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.Managers;

/// <summary>A manager of a client (§6): the lower-cased e-mail address, and who added them when (UTC).</summary>
public sealed record ManagerInfo(string Email, DateTime AddedAt, string AddedBy)
{
    internal static ManagerInfo From(ManagerRow row) => new(row.Email, StoredTime.Utc(row.AddedAt), row.AddedBy);
}
