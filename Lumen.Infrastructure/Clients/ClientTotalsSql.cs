using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Clients;

/// <summary>
/// The summary cards' sums (§7) as one plain aggregate over the pools, SQL built once per provider from the EF model.
/// LINQ can only ask for several sums at once through a constant GroupBy, which SQLite runs by sorting every row into
/// a temporary b-tree first: three times the cost of the scan itself over 100,000 clients.
/// </summary>
internal sealed class ClientTotalsSql
{
    private readonly string _all;
    private readonly string _managedBy;

    private ClientTotalsSql(LumenDbContext db)
    {
        var pools = new StoreTable(db, typeof(CoinPoolRow));
        var managers = new StoreTable(db, typeof(ManagerRow));
        string Alias(string name) => pools.Sql.DelimitIdentifier(name);
        string Sum(string property, string alias) => $"CAST(COALESCE(SUM({pools[property]}), 0) AS BIGINT) AS {Alias(alias)}";

        _all = $"SELECT CAST(COUNT(*) AS BIGINT) AS {Alias(nameof(ClientTotalsRow.Clients))}, " +
            $"{Sum(nameof(CoinPoolRow.Requests), nameof(ClientTotalsRow.Requests))}, " +
            $"{Sum(nameof(CoinPoolRow.TotalTokens), nameof(ClientTotalsRow.Tokens))}, " +
            $"{Sum(nameof(CoinPoolRow.CoinsSpentMicros), nameof(ClientTotalsRow.CoinsMicros))} FROM {pools.Name}";
        _managedBy = $"{_all} WHERE {pools[nameof(CoinPoolRow.ClientId)]} IN " +
            $"(SELECT {managers[nameof(ManagerRow.ClientId)]} FROM {managers.Name} WHERE {managers[nameof(ManagerRow.Email)]} = {{0}})";
    }

    /// <summary>Count and sums over every client, or over those <paramref name="managerEmail"/> manages.</summary>
    public static Task<ClientTotalsRow> QueryAsync(LumenDbContext db, string? managerEmail, CancellationToken ct)
    {
        var sql = db.Dialect.Statements(db, static db => new ClientTotalsSql(db));
        var query = managerEmail is null
            ? db.Database.SqlQueryRaw<ClientTotalsRow>(sql._all)
            : db.Database.SqlQueryRaw<ClientTotalsRow>(sql._managedBy, managerEmail);
        return query.SingleAsync(ct);
    }
}

/// <summary>One row of <see cref="ClientTotalsSql"/>.</summary>
internal sealed class ClientTotalsRow
{
    public long Clients { get; set; }
    public long Requests { get; set; }
    public long Tokens { get; set; }
    public long CoinsMicros { get; set; }
}
