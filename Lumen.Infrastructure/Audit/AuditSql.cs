using System.Data.Common;
using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.Audit;

/// <summary>
/// The one raw statement of the audit trail, per provider: links from an entry to a set of clients, the client ids
/// in a single array parameter (<see cref="SqlDialect.ArrayParameter(RawParameters, string, IReadOnlyCollection{int})"/>),
/// so the number of clients never meets a parameter limit.
/// </summary>
internal sealed class AuditSql
{
    private readonly SqlDialect _dialect;

    /// <summary>Parameters: <c>@entry</c>, <c>@change</c>, <c>@ids</c> (see <see cref="Ids"/>).</summary>
    public string InsertLinks { get; }

    public static AuditSql For(LumenDbContext db) => db.Dialect.Statements(db, static db => new AuditSql(db));

    private AuditSql(LumenDbContext db)
    {
        var links = new StoreTable(db, typeof(AuditClientRow));
        var columns = $"{links[nameof(AuditClientRow.ClientId)]}, {links[nameof(AuditClientRow.EntryId)]}, {links[nameof(AuditClientRow.Change)]}";
        _dialect = db.Dialect;
        InsertLinks = $"INSERT INTO {links.Name} ({columns}) SELECT {_dialect.ArrayColumn("@ids")}, @entry, @change{_dialect.ArrayFrom("@ids")}";
    }

    /// <summary>The <c>@ids</c> parameter.</summary>
    public DbParameter Ids(RawParameters parameters, int[] ids) => _dialect.ArrayParameter(parameters, "@ids", ids);
}
