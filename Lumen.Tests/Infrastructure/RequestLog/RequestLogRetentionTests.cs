using Lumen.Domain.Calls;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.RequestLog;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Lumen.Tests.Infrastructure.RequestLog;

/// <summary>
/// §16's retention on SQLite and PostgreSQL: rows older than the retention go, in batches, and nothing else does (the
/// counters, the audit trail, the keys, younger rows); zero days keeps everything; a second instance leaves the work
/// to the one holding the lock.
/// </summary>
[Collection("postgres")]
public sealed class RequestLogRetentionTests(PostgresServer postgres)
{
    private static RequestLogRetention Retention(RequestLogSetup s, int days, int batch = 3) => new(
        s.Portal.Get<LumenDatabase>(), new RequestLogRetentionOptions(days, TimeSpan.FromHours(1), batch, TimeSpan.Zero),
        s.Portal.Clock, NullLogger<RequestLogRetention>.Instance);

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Retention_deletes_only_rows_older_than_its_days_and_keeps_counters_and_audit(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        var s = await RequestLogSetup.CreateAsync(db);
        await using var _ = s.Portal;
        for (var i = 0; i < 7; i++) await s.CallAsync(i % 2 == 0 ? s.Alpha : s.Beta, i % 2 == 0 ? s.First : s.BetaKey, "dummy", requestId: $"old-{i}");
        await s.CallAsync(s.Alpha, s.Second, "llama3", CallOutcome.RefusedBudget, requestId: "old-refused");
        s.Portal.Clock.Advance(TimeSpan.FromDays(20));
        await s.CallAsync(s.Alpha, s.First, "dummy", requestId: "young-alpha");
        await s.CallAsync(s.Beta, s.BetaKey, "dummy", requestId: "young-beta");
        s.Portal.Clock.Advance(TimeSpan.FromDays(11)); // the old rows are 31 days old, the young ones 11
        var before = await StateAsync(s);

        var deleted = await Retention(s, days: 30).PruneAsync();

        deleted.Should().Be(8, "eight rows are older than 30 days, deleted three at a time");
        (await RequestIdsAsync(s)).Should().BeEquivalentTo("young-alpha", "young-beta");
        var after = await StateAsync(s);
        after.Should().Be(before with { LogRows = 2 }, "counters, audit entries and keys are other tables");
        (await Retention(s, days: 30).PruneAsync()).Should().Be(0, "nothing is left to delete");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Zero_days_keeps_every_row(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        var s = await RequestLogSetup.CreateAsync(db);
        await using var _ = s.Portal;
        await s.CallAsync(s.Alpha, s.First, "dummy");
        s.Portal.Clock.Advance(TimeSpan.FromDays(3650));

        (await Retention(s, days: 0).PruneAsync()).Should().Be(0);
        (await Retention(s, days: -1).PruneAsync()).Should().Be(0);

        (await RequestIdsAsync(s)).Should().HaveCount(1);
        RequestLogRetentionOptions.Default.RetentionDays.Should().Be(90);
    }

    [Fact]
    public async Task An_instance_that_cannot_take_the_lock_deletes_nothing_and_says_so()
    {
        await using var db = await postgres.CreateDatabaseAsync();
        var s = await RequestLogSetup.CreateAsync(db);
        await using var _ = s.Portal;
        await s.CallAsync(s.Alpha, s.First, "dummy");
        s.Portal.Clock.Advance(TimeSpan.FromDays(100));

        // Another instance in the middle of a batch: it holds the lock in its transaction.
        await using (var other = new NpgsqlConnection(db.Options.ConnectionString))
        {
            await other.OpenAsync();
            await using var tx = await other.BeginTransactionAsync();
            await using var take = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(@key)", other, tx);
            take.Parameters.AddWithValue("key", RequestLogRetention.LockKey);
            ((bool)(await take.ExecuteScalarAsync())!).Should().BeTrue();

            (await Retention(s, days: 90).PruneAsync()).Should().BeNull("the other instance holds the lock");
            (await RequestIdsAsync(s)).Should().HaveCount(1);
        }

        (await Retention(s, days: 90).PruneAsync()).Should().Be(1, "the lock went with the other transaction");
    }

    private sealed record State(long LogRows, long AlphaRequests, long BetaRequests, long AlphaCoins, int AuditEntries, int Keys);

    private static async Task<State> StateAsync(RequestLogSetup s)
    {
        await using var db = await s.Portal.Contexts.CreateDbContextAsync();
        var pools = await db.CoinPools.AsNoTracking().ToDictionaryAsync(p => p.ClientId);
        return new State(await db.RequestLog.LongCountAsync(), pools[s.Alpha].Requests, pools[s.Beta].Requests,
            pools[s.Alpha].CoinsSpentMicros, await db.AuditEntries.CountAsync(), await db.ApiKeys.CountAsync());
    }

    private static async Task<List<string?>> RequestIdsAsync(RequestLogSetup s)
    {
        await using var db = await s.Portal.Contexts.CreateDbContextAsync();
        return await db.RequestLog.AsNoTracking().Select(r => r.RequestId).ToListAsync();
    }
}
