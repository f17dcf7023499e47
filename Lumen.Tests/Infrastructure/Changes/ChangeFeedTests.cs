using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lumen.Tests.Infrastructure.Changes;

/// <summary>The one change feed: who hears what (§6), and changes crossing processes through the journal (§18).</summary>
[Collection("postgres")]
public sealed class ChangeFeedTests(PostgresServer postgres)
{
    private static readonly Actor Manager = new("Mia@Example.org");

    [Fact]
    public async Task A_viewer_gets_only_the_changes_of_clients_they_may_see()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        await portal.CreateClientAsync("beta");
        (await portal.Managers.AddAsync(Actor.Cli, "alpha", Manager.Email)).Unwrap();

        var admin = Listen(portal, ChangeViewer.Of(TestPortal.Admin));
        var manager = Listen(portal, ChangeViewer.Of(Manager));
        var stranger = Listen(portal, ChangeViewer.Of(TestPortal.Stranger));
        var anonymous = Listen(portal, ChangeViewer.Anonymous);
        var portalItself = Listen(portal, ChangeViewer.Portal);

        await portal.Feed.PublishAsync([
            new Change("alpha", ChangeKind.KeysChanged, "alpha's key"),
            new Change("beta", ChangeKind.KeysChanged, "beta's key"),
            Change.ConfigLoaded("config file applied"),
        ]);

        admin.Summaries.Should().Equal("alpha's key", "beta's key", "config file applied");
        portalItself.Summaries.Should().Equal("alpha's key", "beta's key", "config file applied");
        manager.Summaries.Should().Equal("alpha's key", "config file applied");
        stranger.Summaries.Should().Equal("config file applied");
        anonymous.Summaries.Should().Equal("config file applied");
    }

    [Fact]
    public async Task A_manager_hears_of_a_client_from_the_change_that_makes_them_its_manager()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        var manager = Listen(portal, ChangeViewer.Of(Manager));

        (await portal.Managers.AddAsync(Actor.Cli, "alpha", Manager.Email)).Unwrap();

        manager.Summaries.Should().Equal("cli added manager mia@example.org");
    }

    [Fact]
    public async Task A_subscriber_that_throws_does_not_stop_the_others_and_a_disposed_one_hears_nothing()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = new TestPortal(db);
        using var broken = portal.Feed.Subscribe(ChangeViewer.Portal, null, _ => throw new InvalidOperationException("broken view"));
        var working = Listen(portal, ChangeViewer.Portal);
        var gone = Listen(portal, ChangeViewer.Portal);
        gone.Dispose();

        await portal.Feed.PublishAsync(new Change("a", ChangeKind.KeysChanged, "x"));

        working.Summaries.Should().Equal("x");
        gone.Summaries.Should().BeEmpty();
    }

    [Fact]
    public async Task The_filter_picks_what_a_subscriber_gets_and_an_empty_pick_is_not_delivered()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = new TestPortal(db);
        var batches = new List<IReadOnlyList<Change>>();
        using var _ = portal.Feed.Subscribe(ChangeViewer.Portal, c => c.Kind == ChangeKind.ConfigLoaded, batches.Add);

        await portal.Feed.PublishAsync(new Change("a", ChangeKind.KeysChanged, "x"));
        await portal.Feed.PublishAsync([new Change("a", ChangeKind.KeysChanged, "y"), Change.ConfigLoaded("loaded")]);

        batches.Should().ContainSingle().Which.Select(c => c.Summary).Should().Equal("loaded");
    }

    [Fact]
    public async Task A_change_to_many_clients_travels_as_one_general_change()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = new TestPortal(db);
        var manager = Listen(portal, ChangeViewer.Of(Manager));
        var many = Enumerable.Range(0, ChangeFeed.MaxNamed + 1)
            .Select(i => new Change($"bot-{i}", ChangeKind.SettingsApplied, "max 100 → 40")).ToList();

        await portal.Feed.PublishAsync([new Change("alpha", ChangeKind.KeysChanged, "alpha's key"), .. many]);

        var general = manager.Changes.Should().ContainSingle("the manager sees none of the named clients").Subject;
        general.IsGeneral.Should().BeTrue();
        general.Kind.Should().Be(ChangeKind.SettingsApplied);
        general.Summary.Should().Be("config applied to many clients: max 100 → 40", "a manager must not learn how many clients there are");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Another_instance_hears_a_change_from_the_journal_once_and_not_its_own(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var a = new TestPortal(db);
        await using var b = new TestPortal(db);
        var reader = new ChangeJournalReader(b.Get<LumenDatabase>(), b.Feed, ChangeJournalOptions.Default, b.Clock, NullLogger<ChangeJournalReader>.Instance);
        await reader.ReadOnceAsync(CancellationToken.None);
        var onB = Listen(b, ChangeViewer.Of(TestPortal.Admin));

        await a.CreateClientAsync("alpha");
        await a.CreateKeyAsync("alpha");
        await b.Feed.PublishAsync(new Change("alpha", ChangeKind.ConsentChanged, "b's own change"));
        onB.Summaries.Should().Equal("b's own change");

        await reader.ReadOnceAsync(CancellationToken.None);
        await reader.ReadOnceAsync(CancellationToken.None);

        onB.Summaries.Should().HaveCount(3);
        onB.Summaries.Skip(1).Should().Equal("cli created alpha", onB.Summaries[2]);
        onB.Summaries[2].Should().StartWith("cli created key ");
        onB.Changes.Skip(1).Select(c => c.Kind).Should().Equal(ChangeKind.Created, ChangeKind.KeysChanged);
    }

    private static Listener Listen(TestPortal portal, ChangeViewer viewer) => new(portal.Feed, viewer);

    private sealed class Listener : IDisposable
    {
        private readonly List<Change> _changes = [];
        private readonly IDisposable _subscription;

        public Listener(ChangeFeed feed, ChangeViewer viewer) =>
            _subscription = feed.Subscribe(viewer, null, changes =>
            {
                lock (_changes) _changes.AddRange(changes);
            });

        public IReadOnlyList<Change> Changes
        {
            get
            {
                lock (_changes) return [.. _changes];
            }
        }

        public List<string> Summaries => Changes.Select(c => c.Summary).ToList();

        public void Dispose() => _subscription.Dispose();
    }
}
