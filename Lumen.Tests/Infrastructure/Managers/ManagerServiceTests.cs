using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure.Managers;

/// <summary>§6: managers are assigned by plain e-mail address, stored lower-case, once per client.</summary>
[Collection("postgres")]
public sealed class ManagerServiceTests(PostgresServer postgres)
{
    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Addresses_that_are_not_plain_e_mail_addresses_are_refused(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");

        foreach (var bad in new[] { "not an email", "a@.b", "<x@y.org>", "X <x@y.org>", "x@y.org, z@y.org", "", "   ", null })
        {
            var outcome = await portal.Managers.AddAsync(TestPortal.Admin, "alpha", bad);
            outcome.Failure!.Kind.Should().Be(FailureKind.Invalid, $"'{bad}' is not a plain address");
            outcome.Failure.Message.Should().MatchRegex("is not an e-mail address like name@example.org|is required",
                $"'{bad}' deserves a message that says what to write");
        }

        await using var context = await db.Factory.CreateDbContextAsync();
        (await context.Managers.CountAsync()).Should().Be(0);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_manager_is_stored_lower_case_and_adding_twice_is_harmless(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");

        var firstAdd = (await portal.Managers.AddAsync(TestPortal.Admin, "alpha", "  Jane.Doe@Example.ORG ")).Unwrap();
        var secondAdd = (await portal.Managers.AddAsync(TestPortal.Admin, "alpha", "jane.doe@example.org")).Unwrap();
        var (first, second) = (firstAdd.Manager, secondAdd.Manager);

        first.Email.Should().Be("jane.doe@example.org");
        first.AddedBy.Should().Be("admin@example.org");
        second.Should().Be(first, "the second add finds the first one's record");
        firstAdd.AlreadyManager.Should().BeFalse();
        secondAdd.AlreadyManager.Should().BeTrue();
        secondAdd.AlreadyMessage.Should().Be("jane.doe@example.org is already a manager of alpha.");
        var listed = (await portal.Managers.ListAsync(TestPortal.Admin, "alpha")).Unwrap();
        listed.Select(m => m.Email).Should().Equal("jane.doe@example.org");
        (await portal.Keys.ListAsync(new Actor("JANE.DOE@example.org"), "alpha")).Succeeded.Should().BeTrue(
            "she manages alpha whatever case she signs in with");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Removing_someone_who_is_not_a_manager_says_so(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        await portal.CreateClientAsync("beta");
        (await portal.Managers.AddAsync(Actor.Cli, "beta", "jane@example.org")).Succeeded.Should().BeTrue();

        var outcome = await portal.Managers.RemoveAsync(Actor.Cli, "alpha", "jane@example.org");

        outcome.Failure.Should().Be(new Failure(FailureKind.NotFound, "jane@example.org is not a manager of 'alpha'."));
        (await portal.Managers.ListAsync(Actor.Cli, "beta")).Unwrap().Should().ContainSingle("beta's manager is untouched");
    }
    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Adding_the_same_manager_at_once_from_two_instances_is_harmless(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var first = new TestPortal(db);
        await using var second = new TestPortal(db);
        await first.CreateClientAsync("alpha");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).Managers.AddAsync(TestPortal.Admin, "alpha", i % 4 < 2 ? "jane@example.org" : "JANE@example.org"))));

        outcomes.Should().OnlyContain(o => o.Succeeded && o.Value!.Manager.Email == "jane@example.org");
        outcomes.Select(o => o.Value!.Manager).Distinct().Should().ContainSingle();
        outcomes.Count(o => !o.Value!.AlreadyManager).Should().Be(1, "one add added her; the others found her there");
        (await first.Managers.ListAsync(TestPortal.Admin, "alpha")).Unwrap().Should().ContainSingle();
        (await ManagersColumnAsync(first, "alpha")).Should().Be(1, "the losing adds counted nothing");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task The_managers_column_counts_adds_and_removes_from_two_instances_at_once(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var first = new TestPortal(db);
        await using var second = new TestPortal(db);
        await first.CreateClientAsync("alpha");
        await first.CreateClientAsync("beta");
        for (var i = 0; i < 4; i++) (await first.Managers.AddAsync(Actor.Cli, "alpha", $"old{i}@example.org")).Unwrap();

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            var portal = i % 2 == 0 ? first : second;
            if (i < 4) (await portal.Managers.RemoveAsync(Actor.Cli, "alpha", $"old{i}@example.org")).Unwrap();
            else (await portal.Managers.AddAsync(Actor.Cli, "alpha", $"new{i}@example.org")).Unwrap();
        })));

        (await first.Managers.ListAsync(Actor.Cli, "alpha")).Unwrap().Should().HaveCount(12);
        (await ManagersColumnAsync(second, "alpha")).Should().Be(12);
        (await ManagersColumnAsync(second, "beta")).Should().Be(0);
    }

    private static async Task<int> ManagersColumnAsync(TestPortal portal, string client) =>
        (await portal.Directory.QueryAsync(Actor.Cli, new ClientQuery(client))).Rows.Single(r => r.Name == client).Managers;
}
