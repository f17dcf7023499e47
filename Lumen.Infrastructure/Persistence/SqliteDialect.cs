using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Lumen.Infrastructure.Persistence;

/// <summary>SQLite's words: JSON arrays read by <c>json_each</c>, one writer at a time, write-ahead logging.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    public override IDbContextFactory<LumenDbContext> CreateFactory(DatabaseOptions options, IInterceptor[] interceptors) =>
        DatabaseProvider.Pooled<SqliteLumenDbContext>(options, interceptors);

    public override void Use(DbContextOptionsBuilder builder, string connectionString) => builder.UseSqlite(Prepare(connectionString));

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

    // SQLite has one writer anyway: the transaction's first write waits for the others.
    public override Task<bool> TryLockTransactionAsync(LumenDbContext db, long key, string name, CancellationToken ct) => Task.FromResult(true);

    public override string ArrayColumn(string name) => "value";

    public override string ArrayFrom(string name) => $" FROM json_each({name})";
}
