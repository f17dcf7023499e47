using System.Collections.Concurrent;
using System.Data.Common;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Audit;

/// <summary>
/// The one raw statement of the audit trail, per provider: links from an entry to a set of clients, the client ids
/// in a single array parameter (PostgreSQL's <c>unnest</c>, SQLite's <c>json_each</c>, SQL Server's <c>OPENJSON</c>),
/// so the number of clients never meets a parameter limit.
/// </summary>
internal sealed class AuditSql
{
    private static readonly ConcurrentDictionary<Type, AuditSql> ByContext = new();
    private readonly bool _postgres;

    /// <summary>Parameters: <c>@entry</c>, <c>@change</c>, <c>@ids</c> (see <see cref="Ids"/>).</summary>
    public string InsertLinks { get; }

    public static AuditSql For(LumenDbContext db) => ByContext.GetOrAdd(db.GetType(), _ => new AuditSql(db));

    private AuditSql(LumenDbContext db)
    {
        var links = new StoreTable(db, typeof(AuditClientRow));
        var columns = $"{links[nameof(AuditClientRow.ClientId)]}, {links[nameof(AuditClientRow.EntryId)]}, {links[nameof(AuditClientRow.Change)]}";
        _postgres = db.Database.IsNpgsql();
        var source = _postgres ? "SELECT unnest(@ids), @entry, @change"
            : db.Database.IsSqlite() ? "SELECT value, @entry, @change FROM json_each(@ids)"
            : "SELECT CAST([value] AS int), @entry, @change FROM OPENJSON(@ids)";
        InsertLinks = $"INSERT INTO {links.Name} ({columns}) {source}";
    }

    /// <summary>The <c>@ids</c> parameter: an integer array on PostgreSQL, a JSON array elsewhere.</summary>
    public DbParameter Ids(RawParameters parameters, int[] ids) =>
        _postgres ? parameters.Of("@ids", ids) : parameters.Of("@ids", AuditLog.Json(ids));
}
