using System.Data.Common;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Lumen.Infrastructure.ApiKeys;

/// <summary>
/// The key lookup of every call (a key with its client and pool, by public id) as SQL text built once per provider from
/// the EF model, and the reading of its one row. Plain ADO.NET so that a call pays no EF query pipeline, and one kept
/// command per connection so that SQLite parses the statement once (<see cref="CallerConnections"/>).
/// </summary>
internal sealed class CallerSql
{
    /// <summary>The SELECT; parameter <c>@id</c> (the public id, unique).</summary>
    public string Select { get; }

    /// <summary>
    /// The same SELECT for several public ids at once, parameter <c>@ids</c> (an array); null where the provider takes no
    /// array parameter (<see cref="SqlDialect.WhereAnyOf"/>). See <see cref="CallerBatches"/>.
    /// </summary>
    public string? SelectMany { get; }

    // How each model-list column comes back: the provider's converter (JSON text on SQLite and SQL Server), or
    // none where the provider reads the list itself (a PostgreSQL array).
    private readonly ValueConverter? _lists;

    public static CallerSql For(LumenDbContext db) => db.Dialect.Statements(db, static db => new CallerSql(db));

    private CallerSql(LumenDbContext db)
    {
        var k = new StoreTable(db, typeof(ApiKeyRow));
        var c = new StoreTable(db, typeof(ClientRow));
        var p = new StoreTable(db, typeof(CoinPoolRow));
        string[] columns =
        [
            $"k.{k[nameof(ApiKeyRow.Id)]}", $"k.{k[nameof(ApiKeyRow.PublicId)]}", $"k.{k[nameof(ApiKeyRow.SecretHash)]}",
            $"k.{k[nameof(ApiKeyRow.RevokedAt)]}", $"k.{k[nameof(ApiKeyRow.ExpiresAt)]}",
            $"c.{c[nameof(ClientRow.Id)]}", $"c.{c[nameof(ClientRow.Name)]}", $"c.{c[nameof(ClientRow.IsActive)]}",
            $"c.{c[nameof(ClientRow.AccessDefault)]}", $"c.{c[nameof(ClientRow.Blacklist)]}", $"c.{c[nameof(ClientRow.Whitelist)]}",
            $"c.{c[nameof(ClientRow.Graylist)]}",
            $"p.{p[nameof(CoinPoolRow.MaxMicros)]}", $"p.{p[nameof(CoinPoolRow.RefreshMicrosPerHour)]}",
            $"p.{p[nameof(CoinPoolRow.StartingMicros)]}", $"p.{p[nameof(CoinPoolRow.BalanceMicros)]}",
            $"p.{p[nameof(CoinPoolRow.BalanceAsOfMs)]}", $"p.{p[nameof(CoinPoolRow.Requests)]}",
            $"p.{p[nameof(CoinPoolRow.InputTokens)]}", $"p.{p[nameof(CoinPoolRow.OutputTokens)]}",
            $"p.{p[nameof(CoinPoolRow.CoinsSpentMicros)]}",
        ];
        var from = $"SELECT {string.Join(", ", columns)} FROM {k.Name} k " +
            $"JOIN {c.Name} c ON c.{c[nameof(ClientRow.Id)]} = k.{k[nameof(ApiKeyRow.ClientId)]} " +
            $"JOIN {p.Name} p ON p.{p[nameof(CoinPoolRow.ClientId)]} = c.{c[nameof(ClientRow.Id)]} ";
        Select = from + $"WHERE k.{k[nameof(ApiKeyRow.PublicId)]} = @id";
        if (db.Dialect.WhereAnyOf($"k.{k[nameof(ApiKeyRow.PublicId)]}", "@ids") is { } any) SelectMany = from + "WHERE " + any;
        _lists = db.Model.FindEntityType(typeof(ClientRow))!.FindProperty(nameof(ClientRow.Blacklist))!.GetTypeMapping().Converter;
    }

    /// <summary>The row the reader is on, in <see cref="Select"/>'s column order.</summary>
    public Caller Read(DbDataReader r)
    {
        var clientId = r.GetInt32(5);
        return new Caller(r.GetInt32(0), r.GetString(1), r.GetFieldValue<byte[]>(2), Revoked: !r.IsDBNull(3), ExpiresAt(r, 4),
            new CallerClient(clientId, r.GetString(6), r.GetBoolean(7), r.GetString(8), List(r, 9), List(r, 10), List(r, 11)),
            new CoinPoolRow
            {
                ClientId = clientId,
                ClientName = r.GetString(6),
                MaxMicros = r.GetInt64(12),
                RefreshMicrosPerHour = r.GetInt64(13),
                StartingMicros = r.GetInt64(14),
                BalanceMicros = r.GetInt64(15),
                BalanceAsOfMs = r.GetInt64(16),
                Requests = r.GetInt64(17),
                InputTokens = r.GetInt64(18),
                OutputTokens = r.GetInt64(19),
                CoinsSpentMicros = r.GetInt64(20),
            });
    }

    // Stored as UTC without a kind on every provider (StoredTime); read back as UTC.
    private static DateTime? ExpiresAt(DbDataReader r, int column) =>
        r.IsDBNull(column) ? null : DateTime.SpecifyKind(r.GetDateTime(column), DateTimeKind.Utc);

    private List<string> List(DbDataReader r, int column) =>
        r.IsDBNull(column) ? []
        : _lists is null ? r.GetFieldValue<List<string>>(column)
        : _lists.ConvertFromProvider(r.GetValue(column)) switch
        {
            List<string> list => list,
            IEnumerable<string> models => [.. models],
            var other => throw new InvalidDataException($"A stored model list read as {other?.GetType().Name ?? "null"}."),
        };
}
