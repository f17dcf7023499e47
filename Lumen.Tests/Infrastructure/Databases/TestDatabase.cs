using Lumen.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure.Databases;

/// <summary>
/// A fresh, migrated database for one test (or one test class); dispose it to remove it.
/// <see cref="Factory"/> is one portal instance's view of it; for a second instance,
/// call <c>DatabaseProvider.CreateFactory(Options)</c> again (its own context pool).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly Func<Task> remove;

    private TestDatabase(DatabaseOptions options, Func<Task> remove)
    {
        Options = options;
        Factory = DatabaseProvider.CreateFactory(options);
        this.remove = remove;
    }

    public DatabaseOptions Options { get; }

    internal IDbContextFactory<LumenDbContext> Factory { get; }

    /// <summary>Applies the provider's migrations, the way the portal does at startup.</summary>
    internal static async Task<TestDatabase> MigrateAsync(DatabaseOptions options, Func<Task> remove)
    {
        var database = new TestDatabase(options, remove);
        try
        {
            await new LumenDatabase(database.Factory).MigrateAsync();
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await remove();
}

/// <summary>SQLite databases in a temp file of their own (the pools are cleared so the file can go).</summary>
public static class SqliteDatabase
{
    public static Task<TestDatabase> CreateAsync()
    {
        var dir = Directory.CreateTempSubdirectory("lumen-sqlite-").FullName;
        var options = new DatabaseOptions(DatabaseProviderKind.Sqlite, $"Data Source={Path.Combine(dir, "lumen.db")}");
        return TestDatabase.MigrateAsync(options, () =>
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
            return Task.CompletedTask;
        });
    }
}

/// <summary>
/// Runs one test on every provider we can run for real. Usage, in a class marked
/// <c>[Collection("postgres")]</c> whose constructor takes a <see cref="PostgresServer"/>:
/// <code>
/// [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
/// public async Task Something(DatabaseProviderKind provider)
/// {
///     await using var db = await TestDatabases.CreateAsync(provider, postgres);
///     await using var context = await db.Factory.CreateDbContextAsync();
/// }
/// </code>
/// SQL Server has no server here; it is covered by its migration script and model checks.
/// </summary>
public static class TestDatabases
{
    public static TheoryData<DatabaseProviderKind> Providers => new() { DatabaseProviderKind.Sqlite, DatabaseProviderKind.PostgreSQL };

    public static Task<TestDatabase> CreateAsync(DatabaseProviderKind provider, PostgresServer postgres) => provider switch
    {
        DatabaseProviderKind.Sqlite => SqliteDatabase.CreateAsync(),
        DatabaseProviderKind.PostgreSQL => postgres.CreateDatabaseAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "No SQL Server on test machines."),
    };
}
