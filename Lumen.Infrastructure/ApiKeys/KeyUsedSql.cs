using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.ApiKeys;

/// <summary>A key's last use (§7), as SQL text built once per provider; the ledger writes it with each batch of calls.</summary>
internal sealed class KeyUsedSql
{
    /// <summary>One key. Parameters: <c>@at</c>, <c>@key</c>.</summary>
    public string One { get; }

    /// <summary>
    /// Where the database takes arrays (<see cref="SqlDialect.SetManyById"/>; null elsewhere): many keys in one
    /// statement, from <c>@p0</c> (times) and <c>@p1</c> (key ids), as <see cref="One"/> takes them. The keys are locked
    /// first, in id order, as one row at a time would lock them.
    /// </summary>
    public string? Many { get; }

    public static KeyUsedSql For(LumenDbContext db) => db.Dialect.Statements(db, static db => new KeyUsedSql(db));

    private KeyUsedSql(LumenDbContext db)
    {
        var keys = new StoreTable(db, typeof(ApiKeyRow));
        var keyId = keys[nameof(ApiKeyRow.Id)];
        One = $"UPDATE {keys.Name} SET {keys[nameof(ApiKeyRow.LastUsedAt)]} = @at WHERE {keyId} = @key";
        Many = db.Dialect.SetManyById(keys.Name, keyId, keys[nameof(ApiKeyRow.LastUsedAt)]);
    }
}
