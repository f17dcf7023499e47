using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;

namespace Lumen.Tests.Infrastructure.Audit;

/// <summary>§17: every audited action writes exactly one entry with its actor and before → after; nothing else does.</summary>
[Collection("postgres")]
public sealed class AuditTrailTests(PostgresServer postgres)
{
    private static readonly Actor Manager = new("Manager@Example.org");

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Each_client_action_writes_one_entry_with_its_actor_and_a_repeat_writes_none(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var admin = TestPortal.Admin;

        (await portal.Clients.CreateAsync(Actor.Cli, "alpha")).Unwrap();
        (await portal.Clients.SetActiveAsync(admin, "alpha", false)).Unwrap();
        (await portal.Clients.SetActiveAsync(admin, "alpha", false)).Unwrap();
        (await portal.Clients.SetActiveAsync(admin, "alpha", true)).Unwrap();
        (await portal.Managers.AddAsync(admin, "alpha", Manager.Email)).Unwrap();
        (await portal.Managers.AddAsync(admin, "alpha", Manager.Email)).Value!.AlreadyManager.Should().BeTrue();
        var key = (await portal.Keys.CreateAsync(Manager, "alpha", "ci")).Unwrap();
        (await portal.Keys.RevokeAsync(Manager, "alpha", key.Key.PublicId)).Unwrap();
        (await portal.Keys.RevokeAsync(Manager, "alpha", key.Key.PublicId)).Unwrap();
        (await portal.Consents.GrantAsync(Manager, "alpha", "gray-model")).Unwrap();
        (await portal.Consents.GrantAsync(Manager, "alpha", "gray-model")).Unwrap();
        (await portal.Consents.WithdrawAsync(admin, "alpha", "gray-model")).Unwrap();
        (await portal.Consents.WithdrawAsync(admin, "alpha", "gray-model")).Succeeded.Should().BeFalse();
        (await portal.Managers.RemoveAsync(admin, "alpha", "manager@example.org")).Unwrap();
        (await portal.Managers.RemoveAsync(admin, "alpha", "manager@example.org")).Succeeded.Should().BeFalse();

        var entries = (await AllAsync(portal)).Reverse().ToList();
        entries.Select(e => (e.Action, e.Actor, e.Summary)).Should().Equal(
            (AuditActions.ClientCreated, "cli", "created alpha"),
            (AuditActions.ClientDeactivated, "admin@example.org", "active → inactive"),
            (AuditActions.ClientActivated, "admin@example.org", "inactive → active"),
            (AuditActions.ManagerAdded, "admin@example.org", "manager added manager@example.org"),
            (AuditActions.KeyCreated, "manager@example.org", $"key created {key.Key.Hint} (ci), never expires"),
            (AuditActions.KeyRevoked, "manager@example.org", $"key revoked {key.Key.Hint} (ci)"),
            (AuditActions.ConsentRecorded, "manager@example.org", "consent recorded for gray-model"),
            (AuditActions.ConsentWithdrawn, "admin@example.org", "consent withdrawn for gray-model"),
            (AuditActions.ManagerRemoved, "admin@example.org", "manager removed manager@example.org"));
        entries.Should().OnlyContain(e => e.Client == "alpha" && e.ClientCount == 1);
        entries.Should().OnlyContain(e => e.At == TestPortal.Start.UtcDateTime && e.At.Kind == DateTimeKind.Utc);
        (await portal.Audit.HistoryAsync(admin, "alpha", new AuditQuery())).Unwrap().Entries.Should().HaveCount(entries.Count,
            "each entry is linked to its client");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Two_instances_making_the_same_change_at_once_record_it_once(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var one = new TestPortal(db);
        await using var two = new TestPortal(db);
        (await one.Clients.CreateAsync(Actor.Cli, "alpha")).Unwrap();
        var keys = new List<string>();
        for (var i = 0; i < 5; i++) keys.Add((await one.Keys.CreateAsync(Actor.Cli, "alpha", null)).Unwrap().Key.PublicId);

        for (var round = 0; round < 5; round++)
        {
            foreach (var active in new[] { false, true })
            {
                await Task.WhenAll(
                    Task.Run(() => one.Clients.SetActiveAsync(TestPortal.Admin, "alpha", active)),
                    Task.Run(() => two.Clients.SetActiveAsync(TestPortal.Admin, "alpha", active)));
            }
            await Task.WhenAll(
                Task.Run(() => one.Keys.RevokeAsync(Actor.Cli, "alpha", keys[round])),
                Task.Run(() => two.Keys.RevokeAsync(Actor.Cli, "alpha", keys[round])));
        }

        var entries = await AllAsync(one);
        entries.Count(e => e.Action == AuditActions.ClientDeactivated).Should().Be(5);
        entries.Count(e => e.Action == AuditActions.ClientActivated).Should().Be(5);
        entries.Count(e => e.Action == AuditActions.KeyRevoked).Should().Be(5);
    }

    [Fact]
    public async Task Creating_several_clients_at_once_writes_one_entry_for_each()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = new TestPortal(db);

        (await portal.Clients.CreateAllAsync(Actor.Cli, ["one", "two", "three"])).Unwrap();

        (await AllAsync(portal)).Select(e => e.Client).Should().BeEquivalentTo(["one", "two", "three"]);
    }

    [Fact]
    public async Task A_refused_action_writes_nothing()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = new TestPortal(db);
        (await portal.Clients.CreateAsync(Actor.Cli, "alpha")).Unwrap();
        (await portal.Managers.AddAsync(Actor.Cli, "alpha", Manager.Email)).Unwrap();
        var before = (await AllAsync(portal)).Count;

        (await portal.Clients.CreateAsync(Manager, "beta")).Failure!.Kind.Should().Be(FailureKind.Forbidden);
        (await portal.Clients.CreateAsync(Actor.Cli, "alpha")).Failure!.Kind.Should().Be(FailureKind.Conflict);
        (await portal.Clients.CreateAsync(Actor.Cli, "Not A Name")).Failure!.Kind.Should().Be(FailureKind.Invalid);
        (await portal.Clients.SetActiveAsync(Manager, "alpha", false)).Failure!.Kind.Should().Be(FailureKind.Forbidden);
        (await portal.Clients.SetActiveAsync(TestPortal.Stranger, "alpha", false)).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await portal.Managers.AddAsync(Manager, "alpha", "x@example.org")).Failure!.Kind.Should().Be(FailureKind.Forbidden);
        (await portal.Managers.AddAsync(Actor.Cli, "alpha", "not an address")).Failure!.Kind.Should().Be(FailureKind.Invalid);
        (await portal.Keys.CreateAsync(TestPortal.Stranger, "alpha", null)).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await portal.Keys.RevokeAsync(Actor.Cli, "alpha", "lmn_nosuchkey")).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await portal.Consents.GrantAsync(Manager, "alpha", "dummy")).Failure!.Kind.Should().Be(FailureKind.Invalid);

        (await AllAsync(portal)).Should().HaveCount(before);
    }

    internal static async Task<IReadOnlyList<AuditEntry>> AllAsync(TestPortal portal) =>
        (await portal.Audit.ListAsync(Actor.Cli, new AuditQuery(Limit: AuditQuery.MaxLimit))).Unwrap().Entries;
}
