using System.Collections.Concurrent;
using System.Data.Common;
using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.Audit;

/// <summary>
/// The one raw statement of the audit trail, per provider: links from an entry to a set of clients, the client ids
/// in a single array parameter (<see cref="ValueArray"/>), so the number of clients never meets a parameter limit.
/// </summary>
internal sealed class AuditSql
{
    private static readonly ConcurrentDictionary<Type, AuditSql> ByContext = new();
    private readonly ValueArray _ids;

    /// <summary>Parameters: <c>@entry</c>, <c>@change</c>, <c>@ids</c> (see <see cref="Ids"/>).</summary>
    public string InsertLinks { get; }

    public static AuditSql For(LumenDbContext db) => ByContext.GetOrAdd(db.GetType(), _ => new AuditSql(db));

    private AuditSql(LumenDbContext db)
    {
        var links = new StoreTable(db, typeof(AuditClientRow));
        var columns = $"{links[nameof(AuditClientRow.ClientId)]}, {links[nameof(AuditClientRow.EntryId)]}, {links[nameof(AuditClientRow.Change)]}";
        _ids = ValueArray.For(db);
        InsertLinks = $"INSERT INTO {links.Name} ({columns}) SELECT {_ids.Column("@ids")}, @entry, @change{_ids.From("@ids")}";
    }

    /// <summary>The <c>@ids</c> parameter.</summary>
    public DbParameter Ids(RawParameters parameters, int[] ids) => _ids.Parameter(parameters, "@ids", ids);
}
