using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.RequestLog;

/// <summary>
/// The request log's write statements (§16), as SQL text built once per provider from the EF model; the ledger runs
/// them beside its charges, in the same transaction.
/// </summary>
internal sealed class RequestLogSql
{
    /// <summary>The model column's length: longer model names are cut to it.</summary>
    public int ModelMaxLength { get; }

    /// <summary>One row. Parameters: <c>@client</c>, <c>@key</c>, <c>@model</c>, <c>@status</c>, <c>@error</c>, <c>@input</c>, <c>@output</c>, <c>@coins</c>, <c>@duration</c>, <c>@at</c>, <c>@operation</c>, <c>@outcome</c>, <c>@request</c>.</summary>
    public string Insert { get; }

    /// <summary>
    /// A batch's rows in one statement, where the database takes arrays (null elsewhere): one array per column of
    /// <see cref="Insert"/>, in its order, as <c>@p0</c> … <c>@p12</c>. A statement costs PostgreSQL far more than a
    /// row does, and these rows lock nothing anyone waits for.
    /// </summary>
    public string? InsertMany { get; }

    public static RequestLogSql For(LumenDbContext db) => db.Dialect.Statements(db, static db => new RequestLogSql(db));

    private RequestLogSql(LumenDbContext db)
    {
        var log = new StoreTable(db, typeof(RequestLogRow));
        ModelMaxLength = log.MaxLength(nameof(RequestLogRow.Model));
        string[] columns =
        [
            nameof(RequestLogRow.ClientId), nameof(RequestLogRow.ApiKeyId), nameof(RequestLogRow.Model),
            nameof(RequestLogRow.Status), nameof(RequestLogRow.ErrorCode), nameof(RequestLogRow.InputTokens),
            nameof(RequestLogRow.OutputTokens), nameof(RequestLogRow.CoinsMicros), nameof(RequestLogRow.DurationMs),
            nameof(RequestLogRow.At), nameof(RequestLogRow.Operation), nameof(RequestLogRow.Outcome), nameof(RequestLogRow.RequestId),
        ];
        var insert = $"INSERT INTO {log.Name} ({string.Join(", ", columns.Select(c => log[c]))}) ";
        Insert = insert + "VALUES (@client, @key, @model, @status, @error, @input, @output, @coins, @duration, @at, @operation, @outcome, @request)";
        if (db.Dialect.RowsFromArrays(columns.Length) is { } rows) InsertMany = insert + rows;
    }
}
