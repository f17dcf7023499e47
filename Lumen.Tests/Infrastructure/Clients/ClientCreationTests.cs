using Lumen.Domain.Access;
using Lumen.Domain.Budget;
using Lumen.Domain.Config;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure.Clients;

/// <summary>§3: only admins create clients; the name rules hold; the client's config entry applies at creation.</summary>
[Collection("postgres")]
public sealed class ClientCreationTests(PostgresServer postgres)
{
    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_new_client_gets_its_named_entry_at_once_with_starting_clamped_to_max(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var changes = new List<Change>();
        using var listening = portal.Feed.Subscribe(ChangeViewer.Portal, null, changes.AddRange);

        var created = await portal.Clients.CreateAsync(new Actor("ADMIN@example.org"), "research-bot");

        created.Succeeded.Should().BeTrue();
        var client = await LoadAsync(db, "research-bot");
        client.CreatedBy.Should().Be("admin@example.org");
        client.IsActive.Should().BeTrue();
        client.SettingsSource.Should().Be(nameof(EntrySource.NamedEntry));
        client.AccessDefault.Should().Be(nameof(AccessMode.Whitelist));
        client.Blacklist.Should().Equal("black-model");
        client.Graylist.Should().Equal("gray-model");
        client.Whitelist.Should().BeEmpty();
        client.Pool.MaxMicros.Should().Be(500_000000);
        client.Pool.RefreshMicrosPerHour.Should().Be(1_000000);
        client.Pool.StartingMicros.Should().Be(800_000000, "the setting is stored as written");
        client.Pool.BalanceMicros.Should().Be(500_000000, "starting is clamped to max");
        client.Pool.BalanceAsOfMs.Should().Be(TestPortal.Start.ToUnixTimeMilliseconds());
        (await portal.Ledger.GetPoolAsync(client.Id))!.Balance.Should().Be(new Coins(500m));

        changes.Should().ContainSingle();
        changes[0].Should().Match<Change>(c => c.Client == "research-bot" && c.Kind == ChangeKind.Created
            && c.After!.Source == EntrySource.NamedEntry && c.After.Budget.Max == new Coins(500m));
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Several_names_with_one_bad_or_taken_create_none_and_the_refusal_names_each_bad_one(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("taken");
        var changes = new List<Change>();
        using var listening = portal.Feed.Subscribe(ChangeViewer.Portal, null, changes.AddRange);

        var outcome = await portal.Clients.CreateAllAsync(Actor.Cli, ["a", "good", "BAD", "taken", "a"]);

        outcome.Failure.Should().Be(new Failure(FailureKind.Invalid,
            "BAD: A client name must start with a lower-case letter or a digit. A client name may only hold lower-case letters, digits, '-', '_' and '.'.\n" +
            "taken: A client named 'taken' already exists.\n" +
            "a: 'a' is given more than once.\n" +
            "Nothing was created: fix the names above and try again."));
        await using var context = await db.Factory.CreateDbContextAsync();
        (await context.Clients.Select(c => c.Name).ToListAsync()).Should().Equal("taken");
        (await context.CoinPools.CountAsync()).Should().Be(1);
        changes.Should().BeEmpty();
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Several_good_names_are_created_together_each_with_its_own_entry(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var changes = new List<Change>();
        using var listening = portal.Feed.Subscribe(ChangeViewer.Portal, null, changes.AddRange);

        var created = (await portal.Clients.CreateAllAsync(Actor.Cli, ["research-bot", " other "])).Unwrap();

        created.Select(c => c.Name).Should().Equal("research-bot", "other");
        (await LoadAsync(db, "research-bot")).Pool.MaxMicros.Should().Be(500_000000, "its named entry");
        (await LoadAsync(db, "other")).Pool.MaxMicros.Should().Be(100_000000, "clients.default");
        changes.Select(c => (c.Client, c.Kind)).Should().Equal(("research-bot", ChangeKind.Created), ("other", ChangeKind.Created));
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_client_without_a_named_entry_gets_the_default_entry(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);

        (await portal.Clients.CreateAsync(Actor.Cli, "new-bot.v2")).Succeeded.Should().BeTrue();

        var client = await LoadAsync(db, "new-bot.v2");
        client.CreatedBy.Should().Be("cli");
        client.SettingsSource.Should().Be(nameof(EntrySource.DefaultEntry));
        client.AccessDefault.Should().Be(nameof(AccessMode.Blacklist));
        client.Whitelist.Should().Equal("dummy");
        client.Graylist.Should().Equal("gray-model");
        client.Pool.MaxMicros.Should().Be(100_000000);
        client.Pool.RefreshMicrosPerHour.Should().Be(50_000);
        client.Pool.BalanceMicros.Should().Be(100_000000);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task With_no_default_entry_a_new_client_is_blocked_with_no_model_access(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db, """
            admins: [admin@example.org]
            clients:
              other: {max: 5}
            """);

        (await portal.Clients.CreateAsync(Actor.Cli, "lonely")).Succeeded.Should().BeTrue();

        var client = await LoadAsync(db, "lonely");
        client.SettingsSource.Should().Be(nameof(EntrySource.NoEntry));
        client.Pool.MaxMicros.Should().Be(0);
        client.Pool.BalanceMicros.Should().Be(0);
        (await portal.Ledger.GetPoolAsync(client.Id))!.Admits.Should().BeFalse();
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Bad_reserved_and_taken_names_fail_with_a_clear_message_and_create_nothing(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("research-bot");
        var changes = new List<Change>();
        using var listening = portal.Feed.Subscribe(ChangeViewer.Portal, null, changes.AddRange);

        var cases = new (string? Name, FailureKind Kind, string Message)[]
        {
            (null, FailureKind.Invalid, "A client name is required."),
            ("   ", FailureKind.Invalid, "A client name is required."),
            ("Bad Name", FailureKind.Invalid, "lower-case"),
            ("bad name", FailureKind.Invalid, "may only hold lower-case letters, digits, '-', '_' and '.'"),
            ("-leading-dash", FailureKind.Invalid, "must start with a lower-case letter or a digit"),
            (new string('a', 65), FailureKind.Invalid, "at most 64 characters"),
            ("default", FailureKind.Invalid, "reserved"),
            ("research-bot", FailureKind.Conflict, "A client named 'research-bot' already exists."),
            (" research-bot ", FailureKind.Conflict, "A client named 'research-bot' already exists."),
            ("Research-Bot", FailureKind.Invalid, "lower-case"),
        };
        foreach (var (name, kind, message) in cases)
        {
            var outcome = await portal.Clients.CreateAsync(TestPortal.Admin, name);
            outcome.Succeeded.Should().BeFalse($"'{name}' is not a name a new client can have");
            outcome.Failure!.Kind.Should().Be(kind, $"for '{name}'");
            outcome.Failure.Message.Should().Contain(message, $"for '{name}'");
        }

        await using var context = await db.Factory.CreateDbContextAsync();
        (await context.Clients.Select(c => c.Name).ToListAsync()).Should().Equal("research-bot");
        (await context.CoinPools.CountAsync()).Should().Be(1);
        changes.Should().BeEmpty();
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Only_admins_create_clients(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        (await portal.Managers.AddAsync(Actor.Cli, "alpha", "manager@example.org")).Succeeded.Should().BeTrue();

        var byManager = await portal.Clients.CreateAsync(new Actor("manager@example.org"), "beta");
        var byStranger = await portal.Clients.CreateAsync(TestPortal.Stranger, "gamma");

        byManager.Failure.Should().Be(new Failure(FailureKind.Forbidden, "Only admins can create clients."));
        byStranger.Failure.Should().Be(new Failure(FailureKind.Forbidden, "Only admins can create clients."));
        await using var context = await db.Factory.CreateDbContextAsync();
        (await context.Clients.Select(c => c.Name).ToListAsync()).Should().Equal("alpha");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Two_instances_creating_the_same_name_at_once_make_one_client(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var first = new TestPortal(db);
        await using var second = new TestPortal(db);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).Clients.CreateAsync(TestPortal.Admin, "race"))));

        outcomes.Count(o => o.Succeeded).Should().Be(1);
        outcomes.Where(o => !o.Succeeded).Should().OnlyContain(o => o.Failure!.Kind == FailureKind.Conflict);
        await using var context = await db.Factory.CreateDbContextAsync();
        (await context.Clients.CountAsync()).Should().Be(1);
        (await context.CoinPools.CountAsync()).Should().Be(1);
    }

    private static async Task<ClientRow> LoadAsync(TestDatabase db, string name)
    {
        await using var context = await db.Factory.CreateDbContextAsync();
        return await context.Clients.AsNoTracking().Include(c => c.Pool).SingleAsync(c => c.Name == name);
    }
}
