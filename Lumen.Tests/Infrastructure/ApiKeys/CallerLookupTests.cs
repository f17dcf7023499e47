using Lumen.Infrastructure.UseCases;

using Lumen.Domain.ApiKeys;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;


namespace Lumen.Tests.Infrastructure.ApiKeys;

/// <summary>
/// Every call's key lookup reads plain SQL on connections it keeps open (§9). It must read what EF reads, and see each
/// committed change at once: a revoked key, a deactivated client, a charge.
/// </summary>
[Collection("postgres")]
public sealed class CallerLookupTests(PostgresServer postgres)
{
    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task The_lookup_reads_the_key_client_and_pool_as_stored(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("research-bot");
        var other = await portal.CreateClientAsync("someone-else");
        var key = await portal.CreateKeyAsync("research-bot");
        await portal.CreateKeyAsync("someone-else");
        await portal.SetUsageAsync(client.Id, 7, 70, 700, 7_000);

        var caller = (await portal.Verifier.FindAsync(key.FullKey, default))!;

        await using var read = await db.Factory.CreateDbContextAsync();
        var row = await read.Clients.AsNoTracking().Include(c => c.Pool).SingleAsync(c => c.Id == client.Id);
        caller.KeyId.Should().Be(key.Id);
        caller.Revoked.Should().BeFalse();
        caller.Client.Should().BeEquivalentTo(new { row.Id, row.Name, row.IsActive, row.AccessDefault, row.Blacklist, row.Whitelist, row.Graylist });
        caller.Client.Blacklist.Should().Equal("black-model");
        caller.Client.Graylist.Should().Equal("gray-model");
        caller.Client.Access().Should().BeEquivalentTo(PoolMapping.Access(row));
        caller.Pool.Should().BeEquivalentTo(row.Pool, o => o.Excluding(p => p.TotalTokens));
        caller.Pool.Requests.Should().Be(7);
        other.Id.Should().NotBe(caller.Client.Id);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task The_lookup_reads_the_expiry_with_the_key_as_UTC(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("research-bot");
        var dated = (await portal.Keys.CreateAsync(Actor.Cli, "research-bot", "dated",
            Lumen.Domain.ApiKeys.KeyLifetime.ThroughDay(new DateOnly(2026, 4, 30)))).Unwrap();
        var forever = await portal.CreateKeyAsync("research-bot");

        var caller = (await portal.Verifier.FindAsync(dated.FullKey, default))!;
        var never = (await portal.Verifier.FindAsync(forever.FullKey, default))!;

        caller.ExpiresAt.Should().Be(new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc));
        caller.ExpiresAt!.Value.Kind.Should().Be(DateTimeKind.Utc);
        never.ExpiresAt.Should().BeNull();
        // Both statements (one key, and the group of keys where the database takes arrays) carry the column.
        await using var context = await db.Factory.CreateDbContextAsync();
        var sql = Lumen.Infrastructure.ApiKeys.CallerSql.For(context);
        sql.Select.Should().Contain("ExpiresAt");
        if (sql.SelectMany is { } many) many.Should().Contain("ExpiresAt");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Kept_connections_see_every_committed_change_at_once(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("ledger");
        var key = await portal.CreateKeyAsync("ledger");
        // Several lookups at once, so several connections are kept, then each change read through all of them.
        async Task<IReadOnlyList<Caller>> ReadManyAsync() =>
            (await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => portal.Verifier.FindAsync(key.FullKey, default)))))!;
        (await ReadManyAsync()).Should().OnlyContain(c => !c.Revoked && c.Client.IsActive && c.Pool.Requests == 0);

        await portal.Ledger.ChargeAsync(client.Id, key.Id, "llama3", 10, 10, 0.25m, 5);
        (await ReadManyAsync()).Should().OnlyContain(c => c.Pool.Requests == 1 && c.Pool.CoinsSpentMicros == 250_000);

        (await portal.Clients.SetActiveAsync(TestPortal.Admin, "ledger", false)).Succeeded.Should().BeTrue();
        (await ReadManyAsync()).Should().OnlyContain(c => !c.Client.IsActive);

        (await portal.Keys.RevokeAsync(TestPortal.Admin, "ledger", key.Key.PublicId)).Succeeded.Should().BeTrue();
        (await ReadManyAsync()).Should().OnlyContain(c => c.Revoked);
        (await portal.Verifier.VerifyAsync(key.FullKey)).Status.Should().Be(KeyStatus.Invalid);
    }

    [Fact]
    public async Task A_lookup_after_the_server_dropped_its_kept_connections_still_answers()
    {
        await using var db = await postgres.CreateDatabaseAsync();
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("ledger");
        var key = await portal.CreateKeyAsync("ledger");
        (await portal.Verifier.VerifyAsync(key.FullKey)).Status.Should().Be(KeyStatus.Valid);

        await PostgresServer.DropConnectionsAsync(db);

        (await portal.Verifier.VerifyAsync(key.FullKey)).Status.Should().Be(KeyStatus.Valid);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Lookups_that_arrive_together_each_get_their_own_answer(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var clients = new List<ClientRow>();
        var keys = new List<TestKey>();
        for (var i = 0; i < 12; i++)
        {
            clients.Add(await portal.CreateClientAsync($"bot-{i}"));
            keys.Add(await portal.CreateKeyAsync($"bot-{i}"));
        }
        (await portal.Keys.RevokeAsync(TestPortal.Admin, "bot-3", keys[3].Key.PublicId)).Succeeded.Should().BeTrue();
        (await portal.Clients.SetActiveAsync(TestPortal.Admin, "bot-4", false)).Succeeded.Should().BeTrue();
        var unknown = ApiKeyFormat.Compose("ZZZZZZZZZZZZ", new string('a', ApiKeyFormat.SecretLength));
        var wrongSecret = keys[5].FullKey[..^1] + (keys[5].FullKey[^1] == 'a' ? 'b' : 'a');

        // What each presented key must give, whatever else is read in its group.
        var cases = Enumerable.Range(0, 600).Select(i => (i % 17) switch
        {
            0 => (unknown, KeyCheck.Invalid),
            1 => (wrongSecret, KeyCheck.Invalid),
            _ => (keys[i % 12].FullKey, (i % 12) switch
            {
                3 => KeyCheck.Invalid,
                4 => new KeyCheck(KeyStatus.ClientInactive, clients[4].Id, "bot-4", keys[4].Id),
                var k => new KeyCheck(KeyStatus.Valid, clients[k].Id, $"bot-{k}", keys[k].Id),
            }),
        }).ToList();
        var checks = await Task.WhenAll(cases.Select(c => Task.Run(() => portal.Verifier.VerifyAsync(c.Item1))));

        checks.Should().Equal(cases.Select(c => c.Item2));
        if (provider == DatabaseProviderKind.PostgreSQL)
            portal.Verifier.Batches!.ManyKeyGroups.Should().BePositive("600 lookups at once must have gone to the database in groups");
        else
            portal.Verifier.Batches.Should().BeNull("SQLite reads each key on its own kept connection");
    }

    [Fact]
    public async Task A_group_of_lookups_after_the_server_dropped_its_kept_connections_still_answers()
    {
        await using var db = await postgres.CreateDatabaseAsync();
        await using var portal = new TestPortal(db);
        var keys = new List<TestKey>();
        for (var i = 0; i < 4; i++)
        {
            await portal.CreateClientAsync($"bot-{i}");
            keys.Add(await portal.CreateKeyAsync($"bot-{i}"));
        }
        string[] ids = [.. keys.Select(k => k.Key.PublicId)];
        // The many-key statement itself on a kept connection that the server dropped: the verifier's first groups
        // after a drop may be one-key groups, which would use up the stale connections first.
        await using var connections = new CallerConnections(portal.Get<LumenDatabase>());
        (await connections.FindManyAsync(ids, default)).Select(c => c.KeyId).Should().BeEquivalentTo(keys.Select(k => k.Id));
        async Task<KeyCheck[]> ReadManyAsync() =>
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => portal.Verifier.VerifyAsync(keys[i % 4].FullKey))));
        (await ReadManyAsync()).Should().OnlyContain(c => c.Status == KeyStatus.Valid);
        var groups = portal.Verifier.Batches!.ManyKeyGroups;

        await PostgresServer.DropConnectionsAsync(db);

        (await connections.FindManyAsync(ids, default)).Select(c => c.KeyId).Should().BeEquivalentTo(keys.Select(k => k.Id));
        (await ReadManyAsync()).Should().OnlyContain(c => c.Status == KeyStatus.Valid);
        portal.Verifier.Batches.ManyKeyGroups.Should().BeGreaterThan(groups);
    }
}
