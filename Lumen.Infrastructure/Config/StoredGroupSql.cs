using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.Config;

/// <summary>
/// The raw statements of a set-based apply to one stored group (see <see cref="ConfigSync"/>), per provider: the
/// database links the apply's audit entry to every client without a named entry that stores exactly what one given
/// client stores, and those links are then the set that the group's updates take. Columns are compared as stored,
/// with the given client's own, so nothing is read back and written again (a list matches however it was written),
/// and no client of the group crosses the process.
/// </summary>
internal sealed class StoredGroupSql
{
    /// <summary>
    /// Links <c>@entry</c> with <c>@change</c> to each client that stores what client <c>@probe</c> stores, has a pool
    /// and is not among <c>@named</c> (an array parameter of names). Returns the count of links.
    /// </summary>
    public string LinkMembers { get; }

    /// <summary>The client ids linked to <c>@entry</c> with <c>@change</c>, as a subquery for <c>IN (…)</c>.</summary>
    public string Linked { get; }

    public static StoredGroupSql For(LumenDbContext db) => db.Dialect.Statements(db, static db => new StoredGroupSql(db));

    private StoredGroupSql(LumenDbContext db)
    {
        var clients = new StoreTable(db, typeof(ClientRow));
        var pools = new StoreTable(db, typeof(CoinPoolRow));
        var links = new StoreTable(db, typeof(AuditClientRow));
        string[] clientColumns =
        [
            nameof(ClientRow.SettingsSource), nameof(ClientRow.AccessDefault),
            nameof(ClientRow.Blacklist), nameof(ClientRow.Whitelist), nameof(ClientRow.Graylist),
        ];
        string[] poolColumns = [nameof(CoinPoolRow.MaxMicros), nameof(CoinPoolRow.RefreshMicrosPerHour), nameof(CoinPoolRow.StartingMicros)];
        var same = string.Join(" AND ", clientColumns.Select(c => $"c.{clients[c]} = k.{clients[c]}")
            .Concat(poolColumns.Select(c => $"p.{pools[c]} = kp.{pools[c]}")));
        string id = clients[nameof(ClientRow.Id)], poolClient = pools[nameof(CoinPoolRow.ClientId)];
        var linkClient = links[nameof(AuditClientRow.ClientId)];
        LinkMembers = $"INSERT INTO {links.Name} ({linkClient}, {links[nameof(AuditClientRow.EntryId)]}, {links[nameof(AuditClientRow.Change)]}) " +
            $"SELECT c.{id}, @entry, @change FROM {clients.Name} c INNER JOIN {pools.Name} p ON p.{poolClient} = c.{id} " +
            $"INNER JOIN {clients.Name} k ON k.{id} = @probe INNER JOIN {pools.Name} kp ON kp.{poolClient} = k.{id} " +
            $"WHERE {same} AND c.{clients[nameof(ClientRow.Name)]} NOT IN ({db.Dialect.SelectArrayTexts("@named")})";
        Linked = $"SELECT {linkClient} FROM {links.Name} WHERE {links[nameof(AuditClientRow.EntryId)]} = @entry " +
            $"AND {links[nameof(AuditClientRow.Change)]} = @change";
    }
}
