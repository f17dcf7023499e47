using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Lumen.Infrastructure.Persistence;

/// <summary>SQLite's words: JSON arrays read by <c>json_each</c>, one writer at a time, write-ahead logging.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    public override IDbContextFactory<LumenDbContext> CreateFactory(DatabaseOptions options, IInterceptor[] interceptors) =>
        DatabaseProvider.Pooled<SqliteLumenDbContext>(options, interceptors);

    public override void Use(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlite(Prepare(connectionString)).AddInterceptors(BusyWait.Instance);

    /// <summary>Makes the SQLite file's folder and waits, rather than fails, while another writer holds the lock.</summary>
    private static string Prepare(string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (csb.DefaultTimeout < 30) csb.DefaultTimeout = 30;
        var folder = Path.GetDirectoryName(Path.GetFullPath(csb.DataSource));
        if (csb.DataSource != ":memory:" && !string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        return csb.ToString();
    }

    // SQLite adds only virtual generated columns to an existing table.
    public override bool StoresComputedColumns => false;

    /// <summary>Switches the database to write-ahead logging (once; it is a property of the file).</summary>
    public override async Task AfterMigrateAsync(LumenDbContext db, CancellationToken ct) =>
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);

    /// <summary>One turn per database file, whatever its connection string says (a connection string is read once).</summary>
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Turns = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> TurnOfConnectionString = new(StringComparer.Ordinal);

    public override async ValueTask<WriteTurn> WriteTurnAsync(LumenDbContext db, CancellationToken ct = default)
    {
        var turn = TurnOfConnectionString.GetOrAdd(db.Database.GetConnectionString()!, static connectionString =>
            Turns.GetOrAdd(Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource), _ => new SemaphoreSlim(1, 1)));
        await turn.WaitAsync(ct);
        return new WriteTurn(turn);
    }

    /// <summary>
    /// A writer without a turn (another process, such as the command line, or a use case) that meets the lock waits in
    /// SQLite's own busy handler, a few milliseconds at a time, rather than in Microsoft.Data.Sqlite's 150 ms sleeps; as
    /// long as the connection's default timeout. Set on the native handle at every open (a pooled handle keeps it; the
    /// call is cheap and compiles no statement).
    /// </summary>
    private sealed class BusyWait : DbConnectionInterceptor
    {
        public static readonly BusyWait Instance = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Set(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
        {
            Set(connection);
            return Task.CompletedTask;
        }

        private static void Set(DbConnection connection)
        {
            var sqlite = (SqliteConnection)connection;
            SQLitePCL.raw.sqlite3_busy_timeout(sqlite.Handle, sqlite.DefaultTimeout * 1000);
        }
    }

    // SQLite has one writer anyway: the transaction's first write waits for the others.
    public override Task<bool> TryLockTransactionAsync(LumenDbContext db, long key, string name, CancellationToken ct) => Task.FromResult(true);

    public override string ArrayColumn(string name) => "value";

    public override string ArrayFrom(string name) => $" FROM json_each({name})";
}
