using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Config;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure.Audit;

/// <summary>
/// §17 for the config: an apply is one entry linked to every client it changed, with admins and models before →
/// after; a rejection is one entry per distinct content; both exactly once however many instances see the file.
/// </summary>
[Collection("postgres")]
public sealed class ConfigAuditTests(PostgresServer postgres)
{
    private static string Lowered(string yaml = TestPortal.Yaml) => yaml
        .Replace("max: 100.0", "max: 40.0", StringComparison.Ordinal)
        .Replace("admins: [Admin@Example.ORG]", "admins: [Admin@Example.ORG, second@example.org]", StringComparison.Ordinal)
        .Replace("  - name: gray-model\n", "  - name: gray-model\n    input_cost_per_million: 2\n", StringComparison.Ordinal);

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task An_apply_is_one_entry_linked_to_each_changed_client_and_an_identical_apply_writes_none(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.Sync.ApplyAsync(portal.Config.InForce!);
        foreach (var name in new[] { "alpha", "beta", "research-bot" }) (await portal.Clients.CreateAsync(Actor.Cli, name)).Unwrap();
        var first = await AuditTrailTests.AllAsync(portal);
        first.Should().ContainSingle(e => e.Action == AuditActions.ConfigApplied, "the first apply brings the admins and models")
            .Which.Summary.Should().Contain("admin added admin@example.org").And.Contain("model added dummy (in 0, out 0)");

        var lowered = ConfigLoader.Parse(Lowered()).Config!;
        await portal.Sync.ApplyAsync(lowered);
        await portal.Sync.ApplyAsync(lowered);

        var applies = (await AuditTrailTests.AllAsync(portal)).Where(e => e.Action == AuditActions.ConfigApplied).ToList();
        applies.Should().HaveCount(2, "the second identical apply changed nothing");
        var entry = applies[0];
        entry.Actor.Should().Be("config");
        entry.ClientCount.Should().Be(2, "research-bot has its own entry, which did not change");
        entry.Summary.Should().Be("admin added second@example.org; model gray-model repriced: in 0, out 0 → in 2, out 0; 2 clients changed: max 100 → 40");
        entry.Detail.Should().Contain("alpha: max 100 → 40").And.Contain("beta: max 100 → 40");
        var history = (await portal.Audit.HistoryAsync(TestPortal.Admin, "alpha", new AuditQuery())).Unwrap().Entries;
        history[0].Id.Should().Be(entry.Id);
        history[0].ClientChange.Should().Be("max 100 → 40");
        (await portal.Audit.HistoryAsync(TestPortal.Admin, "research-bot", new AuditQuery())).Unwrap().Entries
            .Should().NotContain(e => e.Id == entry.Id);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_manager_reads_only_their_clients_part_of_an_apply_and_the_trail_keeps_the_whole_entry(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.Sync.ApplyAsync(portal.Config.InForce!);
        foreach (var name in new[] { "alpha", "beta" }) (await portal.Clients.CreateAsync(Actor.Cli, name)).Unwrap();
        var manager = new Actor("manager.a@example.org");
        (await portal.Managers.AddAsync(Actor.Cli, "alpha", manager.Email)).Unwrap();
        await portal.Sync.ApplyAsync(ConfigLoader.Parse(Lowered()).Config!);

        var seen = (await portal.Audit.HistoryAsync(manager, "alpha", new AuditQuery())).Unwrap().Entries
            .Single(e => e.Action == AuditActions.ConfigApplied);
        (seen.Summary, seen.Detail, seen.Client, seen.ClientCount, seen.ClientChange)
            .Should().Be(("alpha: max 100 → 40", (string?)null, "alpha", 1, "max 100 → 40"), "beta, the admins and the models are not alpha's");

        var whole = (await portal.Audit.ListAsync(TestPortal.Admin, new AuditQuery(Action: AuditActions.ConfigApplied))).Unwrap().Entries[0];
        whole.Id.Should().Be(seen.Id);
        whole.Detail.Should().Contain("beta: max 100 → 40").And.Contain("admin added second@example.org");
        (await portal.Audit.HistoryAsync(TestPortal.Admin, "alpha", new AuditQuery())).Unwrap().Entries[0].Detail
            .Should().Be(whole.Detail, "an admin reading a client's history sees whole entries");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Two_instances_applying_the_same_save_at_once_write_one_entry(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var one = new TestPortal(db);
        await using var two = new TestPortal(db);
        await one.Sync.ApplyAsync(one.Config.InForce!);
        await two.Sync.ApplyAsync(two.Config.InForce!);
        for (var i = 0; i < 20; i++) (await one.Clients.CreateAsync(Actor.Cli, $"bot-{i:00}")).Unwrap();
        var lowered = Lowered();

        for (var round = 0; round < 5; round++)
        {
            var yaml = lowered.Replace("max: 40.0", $"max: {41 + round}.0", StringComparison.Ordinal);
            await Task.WhenAll(
                Task.Run(() => one.Sync.ApplyAsync(ConfigLoader.Parse(yaml).Config!)),
                Task.Run(() => two.Sync.ApplyAsync(ConfigLoader.Parse(yaml).Config!)));
        }

        var applies = (await AuditTrailTests.AllAsync(one)).Where(e => e.Action == AuditActions.ConfigApplied).ToList();
        applies.Should().HaveCount(6, "the first load once, then each of five saves once, whichever instance got there first");
        applies.Take(5).Should().OnlyContain(e => e.ClientCount == 20);
        applies[^2].Summary.Should().StartWith("admin added second@example.org", "the admins diff is recorded by the first instance only");
        applies.Take(4).Should().OnlyContain(e => !e.Summary.Contains("admin", StringComparison.Ordinal));
        await using var ctx = await one.Contexts.CreateDbContextAsync();
        (await ctx.AuditClients.CountAsync(l => l.Entry!.Action == AuditActions.ConfigApplied)).Should().Be(100);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_rejected_content_is_recorded_once_however_many_instances_report_it(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var one = new TestPortal(db);
        await using var two = new TestPortal(db);
        var errors = new[] { new ConfigIssue(3, 5, "max must be a number"), new ConfigIssue(9, 1, "unknown key 'maxx'") };

        var recorded = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            Task.Run(() => (i % 2 == 0 ? one : two).Sync.RecordRejectedAsync("HASH-A", errors))));
        (await two.Sync.RecordRejectedAsync("HASH-B", errors)).Should().BeTrue("other content is another rejection");

        recorded.Count(r => r).Should().Be(1);
        var rejections = (await AuditTrailTests.AllAsync(one)).Where(e => e.Action == AuditActions.ConfigRejected).ToList();
        rejections.Should().HaveCount(2);
        rejections[1].Summary.Should().Be("config rejected, 2 errors: line 3, column 5: max must be a number");
        rejections[1].Detail.Should().Be("line 3, column 5: max must be a number\nline 9, column 1: unknown key 'maxx'");
    }

    [Fact]
    public async Task Two_watchers_over_one_database_record_one_apply_and_one_rejection_per_save()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var one = await WatchedConfig.StartAsync(WatchedYaml.Default(100), database: db);
        await using var two = await WatchedConfig.StartAsync(WatchedYaml.Default(100), database: db);
        await one.CreateClientAsync("alpha");

        var (markOne, markTwo) = (one.Mark, two.Mark);
        await Task.WhenAll(one.SaveAsync(WatchedYaml.Default(55)), two.SaveAsync(WatchedYaml.Default(55)));
        await one.ReloadAfterAsync(markOne);
        await two.ReloadAfterAsync(markTwo);
        (markOne, markTwo) = (one.Mark, two.Mark);
        var bad = WatchedYaml.Default(55).Replace("max: 55", "max: lots", StringComparison.Ordinal);
        await Task.WhenAll(one.SaveAsync(bad), two.SaveAsync(bad));
        await one.ReloadAfterAsync(markOne, r => !r.Result.IsValid);
        await two.ReloadAfterAsync(markTwo, r => !r.Result.IsValid);

        var entries = (await one.Audit.ListAsync(Actor.Cli, new AuditQuery())).Unwrap().Entries;
        entries.Where(e => e.Action == AuditActions.ConfigApplied).Select(e => e.Summary).Should().Equal(
            "alpha: max 100 → 55",
            "admin added admin@example.org; model added dummy (in 0, out 0)");
        entries.Should().ContainSingle(e => e.Action == AuditActions.ConfigRejected)
            .Which.Summary.Should().StartWith("config rejected, 1 error: line ");
    }
}
