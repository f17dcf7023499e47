using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Lumen.Infrastructure.Persistence;

/// <summary>
/// What one database says its own way, asked in the words of the code that needs it: how its context is set up,
/// whether key lookups go together, how a set of values travels in one parameter, how a row is upserted, which
/// statements write many rows at once (PostgreSQL's arrays; elsewhere they are null and each row is its own statement),
/// how a transaction takes a lock only one instance can hold. One instance per provider (<see cref="SqliteDialect"/>,
/// <see cref="PostgreSqlDialect"/>, <see cref="SqlServerDialect"/>), reached from a context
/// (<see cref="LumenDbContext.Dialect"/>) or the settings (<see cref="DatabaseOptions.Dialect"/>); outside
/// <c>Persistence/</c> nothing asks which database it runs on.
/// <para>
/// The features keep their statement files (<c>PoolSql</c>, <c>UsageHourSql</c>, <c>CallerSql</c>, <c>AuditSql</c>,
/// <c>StoredGroupSql</c>, <c>ClientTotalsSql</c>): most of their SQL is the same on every provider, built from the EF
/// model, and reads best beside the code that runs it and the comment that says why it is written so. What differs by
/// provider they take from here, so each provider's words live in its own dialect file. Those statement sets are built
/// once per provider and kept by the dialect (<see cref="Statements"/>).
/// </para>
/// </summary>
internal abstract class SqlDialect
{
    public static readonly SqlDialect Sqlite = new SqliteDialect();
    public static readonly SqlDialect PostgreSql = new PostgreSqlDialect();
    public static readonly SqlDialect SqlServer = new SqlServerDialect();

    public static SqlDialect For(DatabaseProviderKind provider) => provider switch
    {
        DatabaseProviderKind.Sqlite => Sqlite,
        DatabaseProviderKind.PostgreSQL => PostgreSql,
        _ => SqlServer,
    };

    private readonly ConcurrentDictionary<Type, object> _statements = new();

    /// <summary>A pooled factory of this provider's context (its own pool), with <paramref name="interceptors"/>.</summary>
    public abstract IDbContextFactory<LumenDbContext> CreateFactory(DatabaseOptions options, IInterceptor[] interceptors);

    /// <summary>Points <paramref name="builder"/> at the database of <paramref name="connectionString"/>.</summary>
    public abstract void Use(DbContextOptionsBuilder builder, string connectionString);

    /// <summary>
    /// A feature's statement set on this provider, built by <paramref name="build"/> from <paramref name="db"/>'s model
    /// the first time and kept: every context of one provider has the same model.
    /// </summary>
    public T Statements<T>(LumenDbContext db, Func<LumenDbContext, T> build) where T : class =>
        (T)_statements.GetOrAdd(typeof(T), static (_, state) => state.build(state.db), (db, build));

    /// <summary>
    /// This process's turn to write the database of <paramref name="db"/>, until the turn is disposed: taken by the
    /// writers that run beside the calls (the ledger, the change journal, its pruning, request-log retention). Where
    /// the database takes one writer at a time (SQLite) they queue here, in order, instead of meeting a busy database
    /// (which Microsoft.Data.Sqlite answers by sleeping 150 ms before it retries, a stall for every call waiting on the
    /// ledger); with row locks there is nothing to wait for.
    /// </summary>
    public virtual ValueTask<WriteTurn> WriteTurnAsync(LumenDbContext db, CancellationToken ct = default) => default;

    /// <summary>
    /// Whether the key lookups of calls that arrive together are read in one statement (<c>CallerBatches</c>), which
    /// needs an array parameter (<see cref="WhereAnyOf"/>).
    /// </summary>
    public virtual bool GroupsKeyLookups => false;

    /// <summary>Whether a computed column can be stored (else it is computed when read).</summary>
    public virtual bool StoresComputedColumns => true;

    /// <summary>Anything the database needs once after it is created or migrated.</summary>
    public virtual Task AfterMigrateAsync(LumenDbContext db, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Takes a lock that only one instance can hold, for the rest of <paramref name="db"/>'s current transaction
    /// (<paramref name="key"/> or <paramref name="name"/>, whichever the database names locks by); false at once when
    /// another holds it.
    /// </summary>
    public abstract Task<bool> TryLockTransactionAsync(LumenDbContext db, long key, string name, CancellationToken ct);

    // A set of values in one parameter, for raw statements over many rows: an array on PostgreSQL, a JSON array
    // elsewhere. One statement then takes 100,000 ids without meeting a provider's parameter limit (SQL Server's 2,100).

    /// <summary>The integers of array parameter <paramref name="name"/> as a select list item, with <see cref="ArrayFrom"/> after it.</summary>
    public abstract string ArrayColumn(string name);

    /// <summary>The FROM clause that <see cref="ArrayColumn"/> reads.</summary>
    public abstract string ArrayFrom(string name);

    /// <summary>A subquery of the integers of array parameter <paramref name="name"/>, for <c>IN (…)</c>.</summary>
    public string SelectArray(string name) => $"SELECT {ArrayColumn(name)}{ArrayFrom(name)}";

    /// <summary>A subquery of the texts of array parameter <paramref name="name"/>, for <c>IN (…)</c>.</summary>
    public virtual string SelectArrayTexts(string name) => SelectArray(name);

    /// <summary>An array parameter of integers.</summary>
    public virtual DbParameter ArrayParameter(RawParameters parameters, string name, IReadOnlyCollection<int> ids) =>
        parameters.Of(name, "[" + string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]");

    /// <summary>An array parameter of texts.</summary>
    public virtual DbParameter ArrayParameter(RawParameters parameters, string name, IReadOnlyCollection<string> texts) =>
        parameters.Of(name, JsonSerializer.Serialize(texts));

    /// <summary>
    /// Writes the row of <paramref name="key"/> from <paramref name="source"/> (a SELECT or VALUES of the key columns,
    /// then the <paramref name="set"/> columns), or, where it exists, sets each of <paramref name="set"/> to
    /// <paramref name="value"/>(column, the stored row, the new row).
    /// </summary>
    public virtual string Upsert(string table, string[] key, string[] set, string source, Func<string, string, string, string> value) =>
        // SQLite reads ON CONFLICT after a SELECT as part of a join unless the SELECT has a WHERE; ours has one.
        $"INSERT INTO {table} ({string.Join(", ", key.Concat(set))}) {source} ON CONFLICT ({string.Join(", ", key)}) DO UPDATE SET " +
        string.Join(", ", set.Select(c => $"{c} = {value(c, table, "excluded")}"));

    // Many rows in one statement, where the database takes array parameters (null elsewhere: one statement per row).
    // A statement costs PostgreSQL far more than a row does.

    /// <summary>A row source of <paramref name="columns"/> columns, one array parameter each (<c>@p0</c>, <c>@p1</c> …), in their order.</summary>
    public virtual string? RowsFromArrays(int columns) => null;

    /// <summary>
    /// <see cref="RowsFromArrays"/> as a table <paramref name="alias"/>(<paramref name="columns"/>, <paramref name="ordinal"/>)
    /// to join, <paramref name="ordinal"/> numbering the rows in the arrays' order.
    /// </summary>
    public virtual string? ArrayTableInOrder(string alias, string[] columns, string ordinal) => null;

    /// <summary>A condition that <paramref name="column"/> is one of array parameter <paramref name="parameter"/>.</summary>
    public virtual string? WhereAnyOf(string column, string parameter) => null;

    /// <summary>
    /// Sets <paramref name="column"/> of many rows of <paramref name="table"/> from <c>@p0</c> (values) by <c>@p1</c>
    /// (<paramref name="id"/>s), the rows locked first in id order, as one-row updates would lock them.
    /// </summary>
    public virtual string? SetManyById(string table, string id, string column) => null;
}
