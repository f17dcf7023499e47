using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure.Databases;

/// <summary>
/// The writers beside the calls take turns at a SQLite file in this process (issue #31: a busy SQLite database made
/// Microsoft.Data.Sqlite sleep 150 ms, stalling every call waiting on the ledger); other writers wait in SQLite's busy
/// handler; PostgreSQL has row locks and no turn.
/// </summary>
public sealed class WriteTurnTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lumen-turn-").FullName;

    private LumenDbContext Sqlite(string file, string extra = "") =>
        DatabaseProvider.CreateFactory(DatabaseOptions.ForSqlite($"Data Source={Path.Combine(_dir, file)}{extra}")).CreateDbContext();

    [Fact]
    public async Task Writers_of_one_SQLite_file_take_turns_whatever_their_connection_strings_say()
    {
        await using var ledger = Sqlite("lumen.db");
        await using var journal = Sqlite("lumen.db", ";Pooling=False");
        await using var other = Sqlite("other.db");

        var first = await ledger.Dialect.WriteTurnAsync(ledger);
        var second = journal.Dialect.WriteTurnAsync(journal).AsTask();
        using (await other.Dialect.WriteTurnAsync(other)) { } // another file: its own turn

        second.IsCompleted.Should().BeFalse("the file's turn is held");
        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    [Fact]
    public async Task The_ledger_and_the_change_journal_write_only_in_their_turn()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("ledger");
        var key = await portal.CreateKeyAsync("ledger");
        await using var other = await db.Factory.CreateDbContextAsync();

        var held = await other.Dialect.WriteTurnAsync(other);
        var charge = portal.Ledger.ChargeAsync(client.Id, key.Id, "llama3", 10, 10, 0.25m, 5);
        var journal = ChangeJournal.AppendAsync(portal.Get<LumenDatabase>(), "test", [new Change("ledger", ChangeKind.UsageChanged, "used")]);

        // Neither may write while another writer of this process has the file's turn; both do once it is given back.
        await Task.WhenAny(charge, journal, Task.Delay(500));
        (charge.IsCompleted, journal.IsCompleted).Should().Be((false, false));
        held.Dispose();
        await charge.WaitAsync(TimeSpan.FromSeconds(30));
        await journal.WaitAsync(TimeSpan.FromSeconds(30));
        (await portal.PoolRowAsync(client.Id)).Requests.Should().Be(1);
    }

    [Fact]
    public async Task A_SQLite_connection_waits_in_SQLite_s_busy_handler_for_its_default_timeout()
    {
        await using var db = Sqlite("lumen.db", ";Default Timeout=7");
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout;";

        (await command.ExecuteScalarAsync()).Should().Be(30_000L, "the portal waits at least 30 s for a writer (SqliteDialect.Prepare)");

        var longer = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_dir, "lumen.db"), DefaultTimeout = 45 };
        await using var patient = DatabaseProvider.CreateFactory(DatabaseOptions.ForSqlite(longer.ToString())).CreateDbContext();
        await patient.Database.OpenConnectionAsync();
        await using var asked = patient.Database.GetDbConnection().CreateCommand();
        asked.CommandText = "PRAGMA busy_timeout;";
        (await asked.ExecuteScalarAsync()).Should().Be(45_000L);
    }

    [Fact]
    public async Task PostgreSQL_writers_need_no_turn()
    {
        await using var db = DatabaseProvider.CreateFactory(new DatabaseOptions(DatabaseProviderKind.PostgreSQL, "Host=127.0.0.1;Database=x")).CreateDbContext();

        using var first = await db.Dialect.WriteTurnAsync(db);
        var second = db.Dialect.WriteTurnAsync(db);

        second.IsCompleted.Should().BeTrue();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
