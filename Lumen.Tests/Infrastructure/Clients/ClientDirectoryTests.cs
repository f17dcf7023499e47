using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;

namespace Lumen.Tests.Infrastructure.Clients;

/// <summary>The clients table's query (§7): visibility by role, every sort, search, paging and the totals, in the database.</summary>
[Collection("postgres")]
public sealed class ClientDirectoryTests(PostgresServer postgres)
{
    private static readonly Actor Admin = new("ADMIN@example.org");
    private static readonly Actor Alice = new("alice@example.org");
    private static readonly Actor Stranger = new("nobody@example.org");

    // name, managers (alice manages the first three), active, requests, input, output, coins (micros)
    private static readonly (string Name, int Managers, bool Active, long Requests, long In, long Out, long Coins)[] Seed =
    [
        ("research-bot", 2, true, 500, 1000, 400, 2_500_000),
        ("data_pipeline", 1, false, 20, 9000, 100, 7_000_000),
        ("zeta-agent", 1, true, 3000, 10, 10, 1),
        ("alpha.v2", 0, true, 0, 0, 0, 0),
        ("grading-assistant", 3, true, 75, 600, 600, 300_000),
    ];

    private static async Task<TestPortal> SeededAsync(TestDatabase db)
    {
        var portal = new TestPortal(db);
        for (var i = 0; i < Seed.Length; i++)
        {
            var s = Seed[i];
            var row = await portal.CreateClientAsync(s.Name);
            portal.Clock.Advance(TimeSpan.FromMinutes(1)); // distinct creation times, in seed order
            if (i < 3) (await portal.Managers.AddAsync(Actor.Cli, s.Name, Alice.Email)).Unwrap();
            for (var m = i < 3 ? 1 : 0; m < s.Managers; m++)
                (await portal.Managers.AddAsync(Actor.Cli, s.Name, $"m{m}@example.org")).Unwrap();
            if (!s.Active) (await portal.Clients.SetActiveAsync(Actor.Cli, s.Name, false)).Unwrap();
            await portal.SetUsageAsync(row.Id, s.Requests, s.In, s.Out, s.Coins);
        }
        return portal;
    }

    private static string[] Names(ClientPage page) => page.Rows.Select(r => r.Name).ToArray();

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Admins_see_every_client_and_the_totals_of_all(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = await SeededAsync(db);

        var page = await portal.Directory.QueryAsync(Admin, new ClientQuery());

        Names(page).Should().Equal("alpha.v2", "data_pipeline", "grading-assistant", "research-bot", "zeta-agent");
        page.Matching.Should().Be(5);
        page.Totals.Should().Be(new ClientTotals(5, 3595, 1000 + 400 + 9000 + 100 + 20 + 1200, 9.800001m));
        var research = page.Rows.Single(r => r.Name == "research-bot");
        research.Should().BeEquivalentTo(new { Managers = 2, IsActive = true, Requests = 500L, Tokens = 1400L });
        research.Coins.Value.Should().Be(2.5m);
        page.Rows.Single(r => r.Name == "data_pipeline").IsActive.Should().BeFalse("inactive clients stay listed");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Managers_see_only_their_clients_and_strangers_none(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = await SeededAsync(db);

        var alices = await portal.Directory.QueryAsync(new Actor(" Alice@Example.org "), new ClientQuery());
        Names(alices).Should().Equal("data_pipeline", "research-bot", "zeta-agent");
        alices.Totals.Clients.Should().Be(3);
        alices.Totals.Requests.Should().Be(3520);
        (await portal.Directory.CanSeeClientsAsync(Alice)).Should().BeTrue();
        (await portal.Directory.ManagedNamesAsync(Alice)).Should().BeEquivalentTo("data_pipeline", "research-bot", "zeta-agent");
        (await portal.Directory.ManagedNamesAsync(Admin)).Should().BeNull("admins see every client");

        var strangers = await portal.Directory.QueryAsync(Stranger, new ClientQuery());
        strangers.Rows.Should().BeEmpty();
        strangers.Totals.Should().Be(ClientTotals.None);
        (await portal.Directory.CanSeeClientsAsync(Stranger)).Should().BeFalse();
    }

    public static TheoryData<DatabaseProviderKind, ClientSort, bool, string> Sorts()
    {
        var data = new TheoryData<DatabaseProviderKind, ClientSort, bool, string>();
        foreach (var provider in new[] { DatabaseProviderKind.Sqlite, DatabaseProviderKind.PostgreSQL })
        {
            data.Add(provider, ClientSort.Name, true, "zeta-agent research-bot grading-assistant data_pipeline alpha.v2");
            data.Add(provider, ClientSort.Managers, true, "grading-assistant research-bot data_pipeline zeta-agent alpha.v2");
            data.Add(provider, ClientSort.Managers, false, "alpha.v2 data_pipeline zeta-agent research-bot grading-assistant");
            data.Add(provider, ClientSort.Active, false, "data_pipeline alpha.v2 grading-assistant research-bot zeta-agent");
            data.Add(provider, ClientSort.Requests, true, "zeta-agent research-bot grading-assistant data_pipeline alpha.v2");
            data.Add(provider, ClientSort.Tokens, true, "data_pipeline research-bot grading-assistant zeta-agent alpha.v2");
            data.Add(provider, ClientSort.Coins, true, "data_pipeline research-bot grading-assistant zeta-agent alpha.v2");
            data.Add(provider, ClientSort.Coins, false, "alpha.v2 zeta-agent grading-assistant research-bot data_pipeline");
            data.Add(provider, ClientSort.Created, true, "grading-assistant alpha.v2 zeta-agent data_pipeline research-bot");
        }
        return data;
    }

    [Theory, MemberData(nameof(Sorts))]
    public async Task Every_column_sorts_in_the_database_with_name_breaking_ties(
        DatabaseProviderKind provider, ClientSort sort, bool descending, string expected)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = await SeededAsync(db);

        var page = await portal.Directory.QueryAsync(Admin, new ClientQuery(Sort: sort, Descending: descending));

        string.Join(' ', Names(page)).Should().Be(expected);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Search_is_a_case_insensitive_substring_with_wildcards_taken_literally(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = await SeededAsync(db);

        async Task<string[]> Search(string text) => Names(await portal.Directory.QueryAsync(Admin, new ClientQuery(text)));

        (await Search("  BOT ")).Should().Equal("research-bot");
        (await Search("a")).Should().HaveCount(5);
        (await Search("_")).Should().Equal("data_pipeline");
        (await Search("%")).Should().BeEmpty();
        (await Search(".")).Should().Equal("alpha.v2");
        (await Search("nothing-like-this")).Should().BeEmpty();

        var filtered = await portal.Directory.QueryAsync(Admin, new ClientQuery("bot"));
        filtered.Matching.Should().Be(1);
        filtered.Totals.Clients.Should().Be(5, "the cards summarise every visible client, not the search");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Pages_split_the_matching_clients_and_a_page_past_the_end_shows_the_last(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = await SeededAsync(db);

        var second = await portal.Directory.QueryAsync(Admin, new ClientQuery(Page: 2, PageSize: 2));
        Names(second).Should().Equal("grading-assistant", "research-bot");
        second.Page.Should().Be(2);

        var beyond = await portal.Directory.QueryAsync(Admin, new ClientQuery(Page: 99, PageSize: 2));
        Names(beyond).Should().Equal("zeta-agent");
        beyond.Page.Should().Be(3);
        beyond.Matching.Should().Be(5);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Managers_of_named_clients_are_grouped_by_person(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = await SeededAsync(db);

        var managers = await ClientVisibility.ManagersOfAsync(portal.Get<LumenDatabase>(), ["research-bot", "data_pipeline", "alpha.v2"]);

        managers["alice@example.org"].Should().BeEquivalentTo("research-bot", "data_pipeline");
        managers["m1@example.org"].Should().BeEquivalentTo("research-bot");
        managers.Keys.Should().BeEquivalentTo("alice@example.org", "m1@example.org");
    }

    [Fact]
    public void Page_size_and_search_are_bounded()
    {
        new ClientQuery(PageSize: 100_000).PageSize.Should().Be(ClientQuery.MaxPageSize);
        new ClientQuery(PageSize: 0).PageSize.Should().Be(1);
        new ClientQuery(new string('x', 500)).NormalizedSearch.Should().HaveLength(ClientQuery.MaxSearchLength);
        new ClientQuery("   ").NormalizedSearch.Should().BeNull();
    }
}
