using Lumen.Domain.ApiKeys;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;

namespace Lumen.Tests.Infrastructure.Clients;

/// <summary>
/// §6 over the real services: admins do everything; a client's managers view it and handle its keys and consent;
/// everyone else is told the client does not exist, exactly as for a name that really does not.
/// </summary>
[Collection("postgres")]
public sealed class PermissionMatrixTests(PostgresServer postgres)
{
    private static readonly Actor ManagerA = new("Manager.A@Example.org");
    private static readonly Actor ManagerB = new("manager.b@example.org");

    public enum Expect { Allowed, Forbidden, NotFound }

    public static TheoryData<DatabaseProviderKind, string, Expect, Expect> Matrix()
    {
        var data = new TheoryData<DatabaseProviderKind, string, Expect, Expect>();
        foreach (var provider in new[] { DatabaseProviderKind.Sqlite, DatabaseProviderKind.PostgreSQL })
        {
            // (actor, what view/keys/consent give, what set-active/managers give)
            data.Add(provider, "admin", Expect.Allowed, Expect.Allowed);
            data.Add(provider, "cli", Expect.Allowed, Expect.Allowed);
            data.Add(provider, "manager of alpha", Expect.Allowed, Expect.Forbidden);
            data.Add(provider, "manager of beta", Expect.NotFound, Expect.NotFound);
            data.Add(provider, "stranger", Expect.NotFound, Expect.NotFound);
        }
        return data;
    }

    private static Actor ActorNamed(string name) => name switch
    {
        "admin" => new Actor(" admin@EXAMPLE.org "),
        "cli" => Actor.Cli,
        "manager of alpha" => ManagerA,
        "manager of beta" => ManagerB,
        _ => TestPortal.Stranger,
    };

    [Theory, MemberData(nameof(Matrix))]
    public async Task Each_actor_may_do_to_a_client_exactly_what_section_6_allows(
        DatabaseProviderKind provider, string who, Expect managing, Expect administering)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = await SetUpAsync(db);
        var actor = ActorNamed(who);
        var notFound = (await portal.Keys.ListAsync(TestPortal.Admin, "ghost")).Failure!;
        var key = await portal.CreateKeyAsync("alpha");

        var outcomes = new Dictionary<string, Failure?>
        {
            ["list keys"] = (await portal.Keys.ListAsync(actor, "alpha")).Failure,
            ["list managers"] = (await portal.Managers.ListAsync(actor, "alpha")).Failure,
            ["create key"] = (await portal.Keys.CreateAsync(actor, "alpha", "mine")).Failure,
            ["rotate key"] = (await portal.Keys.RotateAsync(actor, "alpha", key.Key.PublicId, KeyGrace.Hour)).Failure,
            ["revoke key"] = (await portal.Keys.RevokeAsync(actor, "alpha", key.Key.PublicId)).Failure,
            ["grant consent"] = (await portal.Consents.GrantAsync(actor, "alpha", "gray-model")).Failure,
            ["withdraw consent"] = (await portal.Consents.WithdrawAsync(actor, "alpha", "gray-model")).Failure,
            ["deactivate"] = (await portal.Clients.SetActiveAsync(actor, "alpha", false)).Failure,
            ["reactivate"] = (await portal.Clients.SetActiveAsync(actor, "alpha", true)).Failure,
            ["add manager"] = (await portal.Managers.AddAsync(actor, "alpha", "new.manager@example.org")).Failure,
            ["remove manager"] = (await portal.Managers.RemoveAsync(actor, "alpha", "new.manager@example.org")).Failure,
        };

        string[] managingActions = ["list keys", "list managers", "create key", "rotate key", "revoke key", "grant consent", "withdraw consent"];
        foreach (var (action, failure) in outcomes)
        {
            var expect = managingActions.Contains(action) ? managing : administering;
            var because = $"{who} doing '{action}' on alpha";
            switch (expect)
            {
                case Expect.Allowed:
                    failure.Should().BeNull(because);
                    break;
                case Expect.Forbidden:
                    failure.Should().NotBeNull(because);
                    failure!.Kind.Should().Be(FailureKind.Forbidden, because);
                    failure.Message.Should().StartWith("Only admins can", because);
                    break;
                default:
                    failure.Should().Be(notFound with { Message = notFound.Message.Replace("ghost", "alpha", StringComparison.Ordinal) },
                        because + " must look exactly like an unknown client");
                    break;
            }
        }

        string[] expectedVisible = who switch
        {
            "admin" or "cli" => ["alpha", "beta"],
            "manager of alpha" => ["alpha"],
            "manager of beta" => ["beta"],
            _ => [],
        };
        (await portal.Clients.ListAsync(actor)).Select(c => c.Client.Name).Should().Equal(expectedVisible);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Removing_a_manager_takes_effect_on_their_next_action(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = await SetUpAsync(db);
        await using var other = new TestPortal(db);
        (await other.Keys.ListAsync(ManagerA, "alpha")).Succeeded.Should().BeTrue();

        (await portal.Managers.RemoveAsync(TestPortal.Admin, "alpha", "MANAGER.A@example.org")).Unwrap().Should().BeTrue();

        (await other.Keys.ListAsync(ManagerA, "alpha")).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await other.Keys.CreateAsync(ManagerA, "alpha", null)).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await other.Clients.ListAsync(ManagerA)).Should().BeEmpty();
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task An_admin_removed_from_the_config_loses_admin_rights_on_the_next_action(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = await SetUpAsync(db);
        (await portal.Clients.SetActiveAsync(TestPortal.Admin, "alpha", false)).Succeeded.Should().BeTrue();

        portal.Config.Apply(ConfigLoader.Parse(TestPortal.Yaml.Replace("admins: [Admin@Example.ORG]", "admins: [other@example.org]",
            StringComparison.Ordinal)));

        (await portal.Clients.SetActiveAsync(TestPortal.Admin, "alpha", true)).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await portal.Clients.CreateAsync(TestPortal.Admin, "gamma")).Failure!.Kind.Should().Be(FailureKind.Forbidden);
        (await portal.Clients.CreateAsync(new Actor("Other@Example.org"), "gamma")).Succeeded.Should().BeTrue();
        (await portal.Clients.SetActiveAsync(Actor.Cli, "alpha", true)).Succeeded.Should().BeTrue("the command line is always an admin");
    }

    /// <summary>Clients alpha and beta, one manager each (alpha's added in another case than the actor uses).</summary>
    private static async Task<TestPortal> SetUpAsync(TestDatabase db)
    {
        var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        await portal.CreateClientAsync("beta");
        (await portal.Managers.AddAsync(Actor.Cli, "alpha", "manager.a@example.ORG")).Succeeded.Should().BeTrue();
        (await portal.Managers.AddAsync(Actor.Cli, "beta", ManagerB.Email)).Succeeded.Should().BeTrue();
        return portal;
    }
}
