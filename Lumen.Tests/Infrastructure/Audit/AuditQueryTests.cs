using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.UseCases;
using Lumen.Tests.Infrastructure.Databases;

namespace Lumen.Tests.Infrastructure.Audit;

/// <summary>§17's reading side: who may read what (§6), newest first, keyed pages both ways, and each filter.</summary>
public sealed class AuditQueryTests
{
    private static readonly Actor ManagerA = new("manager.a@example.org");

    [Fact]
    public async Task Only_admins_read_the_whole_trail_and_a_manager_reads_only_their_clients_history()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = await SetUpAsync(db);

        (await portal.Audit.ListAsync(ManagerA, new AuditQuery())).Failure!.Kind.Should().Be(FailureKind.Forbidden);
        (await portal.Audit.ListAsync(TestPortal.Stranger, new AuditQuery())).Failure!.Kind.Should().Be(FailureKind.Forbidden);
        (await portal.Audit.ListAsync(TestPortal.Admin, new AuditQuery())).Succeeded.Should().BeTrue();

        var own = (await portal.Audit.HistoryAsync(ManagerA, "alpha", new AuditQuery())).Unwrap().Entries;
        own.Should().NotBeEmpty().And.OnlyContain(e => e.Client == "alpha");
        (await portal.Audit.HistoryAsync(ManagerA, "beta", new AuditQuery())).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await portal.Audit.HistoryAsync(TestPortal.Stranger, "alpha", new AuditQuery())).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await portal.Audit.HistoryAsync(TestPortal.Admin, "ghost", new AuditQuery())).Failure!.Kind.Should().Be(FailureKind.NotFound);
    }

    [Fact]
    public async Task Pages_walk_newest_first_and_back_without_gaps_or_repeats()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = await SetUpAsync(db);
        var all = await AuditTrailTests.AllAsync(portal);
        all.Select(e => e.Id).Should().BeInDescendingOrder();

        var seen = new List<long>();
        var page = (await portal.Audit.ListAsync(Actor.Cli, new AuditQuery(Limit: 3))).Unwrap();
        page.Newer.Should().BeNull();
        while (true)
        {
            seen.AddRange(page.Entries.Select(e => e.Id));
            if (page.Older is not { } older) break;
            page = (await portal.Audit.ListAsync(Actor.Cli, new AuditQuery(Before: older, Limit: 3))).Unwrap();
        }
        seen.Should().Equal(all.Select(e => e.Id));

        var back = (await portal.Audit.ListAsync(Actor.Cli, new AuditQuery(After: page.Newer, Limit: 3))).Unwrap();
        back.Entries.Select(e => e.Id).Should().Equal(all.Select(e => e.Id).SkipLast(page.Entries.Count).TakeLast(3));
    }

    [Fact]
    public async Task Filters_by_client_actor_action_and_time_combine()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = await SetUpAsync(db);
        portal.Clock.Advance(TimeSpan.FromHours(2));
        (await portal.Keys.CreateAsync(ManagerA, "alpha", "late")).Unwrap();
        var later = TestPortal.Start.UtcDateTime.AddHours(1);

        async Task<IReadOnlyList<AuditEntry>> Find(AuditQuery q) => (await portal.Audit.ListAsync(Actor.Cli, q)).Unwrap().Entries;

        (await Find(new AuditQuery(Client: "beta"))).Should().OnlyContain(e => e.Client == "beta").And.HaveCount(1);
        (await Find(new AuditQuery(Actor: " Manager.A@Example.org "))).Should().HaveCount(2).And.OnlyContain(e => e.Action == AuditActions.KeyCreated);
        (await Find(new AuditQuery(Action: AuditActions.ManagerAdded))).Should().ContainSingle();
        (await Find(new AuditQuery(Since: later))).Should().ContainSingle().Which.Summary.Should().Contain("(late)");
        (await Find(new AuditQuery(Until: later))).Should().HaveCount(4);
        (await Find(new AuditQuery(Client: "alpha", Actor: ManagerA.Email, Until: later))).Should().ContainSingle();
        (await Find(new AuditQuery(Since: later.AddDays(1)))).Should().BeEmpty();
        (await Find(new AuditQuery(Client: "ghost"))).Should().BeEmpty();
    }

    /// <summary>alpha (managed by A, who created a key) and beta, created by the operator.</summary>
    private static async Task<TestPortal> SetUpAsync(TestDatabase db)
    {
        var portal = new TestPortal(db);
        (await portal.Clients.CreateAsync(Actor.Cli, "alpha")).Unwrap();
        (await portal.Clients.CreateAsync(Actor.Cli, "beta")).Unwrap();
        (await portal.Managers.AddAsync(Actor.Cli, "alpha", ManagerA.Email)).Unwrap();
        (await portal.Keys.CreateAsync(ManagerA, "alpha", "first")).Unwrap();
        return portal;
    }
}
