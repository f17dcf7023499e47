using Lumen.Domain.Budget;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Ledger;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Lumen.Tests.Infrastructure.Ledger;

/// <summary>
/// The ledger's writer keeps one connection for its prepared statements. A connection the server dropped must not
/// cost a charge, and a write the database rejects must fail alone. On PostgreSQL, where both can be made to happen.
/// </summary>
[Collection("postgres")]
public sealed class LedgerConnectionTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_charge_after_the_server_dropped_the_writers_connection_is_written_once()
    {
        await using var db = await postgres.CreateDatabaseAsync();
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("ledger");
        var key = await portal.CreateKeyAsync("ledger");
        await portal.Ledger.ChargeAsync(client.Id, key.Id, "llama3", 10, 10, 0.25m, 5);

        await using (var context = await db.Factory.CreateDbContextAsync())
        {
            // As a database restart would: every other connection to this database is closed by the server.
            await context.Database.ExecuteSqlRawAsync(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        }
        NpgsqlConnection.ClearAllPools();

        await portal.Ledger.ChargeAsync(client.Id, key.Id, "llama3", 10, 10, 0.25m, 5);

        var pool = await portal.PoolRowAsync(client.Id);
        pool.Requests.Should().Be(2);
        pool.CoinsSpentMicros.Should().Be(500_000);
        pool.BalanceMicros.Should().Be(1000_000000 - 500_000);
        await using var read = await db.Factory.CreateDbContextAsync();
        (await read.RequestLog.CountAsync(r => r.ClientId == client.Id && r.Status == 200)).Should().Be(2);
    }

    [Fact]
    public async Task A_write_the_database_rejects_fails_alone_and_the_ledger_goes_on()
    {
        await using var db = await postgres.CreateDatabaseAsync();
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("ledger");
        var key = await portal.CreateKeyAsync("ledger");

        // The error code column holds 40 characters; PostgreSQL refuses more. Started together, so they may share a batch.
        var good = Enumerable.Range(0, 20).Select(_ => portal.Ledger.ChargeAsync(client.Id, key.Id, "llama3", 1, 1, 0.5m, 5)).ToList();
        var bad = portal.Ledger.LogRefusalAsync(new CallRecord(client.Id, key.Id, "llama3", 403, new string('x', 41), 0, 0, 0, 1));
        good.AddRange(Enumerable.Range(0, 20).Select(_ => portal.Ledger.ChargeAsync(client.Id, key.Id, "llama3", 1, 1, 0.5m, 5)));

        // 22001: string data right truncation, the database's own refusal.
        (await FluentActions.Awaiting(() => bad).Should().ThrowAsync<Npgsql.PostgresException>()).Which.SqlState.Should().Be("22001");
        await Task.WhenAll(good);
        await portal.Ledger.ChargeAsync(client.Id, key.Id, "llama3", 1, 1, 0.5m, 5);

        var pool = await portal.PoolRowAsync(client.Id);
        pool.Requests.Should().Be(41);
        pool.BalanceMicros.Should().Be(1000_000000 - 41 * Coins.FromMicros(500_000).Micros);
        await using var read = await db.Factory.CreateDbContextAsync();
        (await read.RequestLog.CountAsync(r => r.ClientId == client.Id)).Should().Be(41, "the rejected row is not written, every other one is");
    }
}
