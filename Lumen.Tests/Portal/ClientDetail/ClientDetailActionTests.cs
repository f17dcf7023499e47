using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Consent;
using Lumen.Infrastructure.Managers;
using Lumen.Tests.Portal.Site;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Portal.ClientDetail;

/// <summary>
/// The detail page's actions run over the Blazor circuit, so §6 is enforced where they land: in the use-case services
/// the page calls, resolved from the running portal. A crafted call (a manager of beta naming alpha-bot) gets exactly
/// what a call naming a client that does not exist gets; a manager of alpha-bot gets only the manager's actions.
/// </summary>
public sealed class ClientDetailActionTests(PortalSite site) : IClassFixture<PortalSite>
{
    private static readonly Actor ManagerOfB = new(PortalSite.ManagerOfB);
    private static readonly Actor ManagerOfA = new(PortalSite.ManagerOfA);

    private T Service<T>() where T : notnull => site.Services.GetRequiredService<T>();

    /// <summary>Every action of the page, as <paramref name="actor"/> on <paramref name="client"/>: the failure of each (null if it succeeded).</summary>
    private async Task<Dictionary<string, Failure?>> EveryActionAsync(Actor actor, string client, string keyId)
    {
        return new Dictionary<string, Failure?>
        {
            ["open the page"] = (await Service<ClientDetailsQuery>().LoadAsync(actor, client)).Failure,
            ["create key"] = (await Service<ApiKeyService>().CreateAsync(actor, client, "crafted")).Failure,
            ["revoke key"] = (await Service<ApiKeyService>().RevokeAsync(actor, client, keyId)).Failure,
            ["record consent"] = (await Service<ConsentService>().GrantAsync(actor, client, "dummy")).Failure,
            ["withdraw consent"] = (await Service<ConsentService>().WithdrawAsync(actor, client, "dummy")).Failure,
            ["add manager"] = (await Service<ManagerService>().AddAsync(actor, client, "mallory@example.org")).Failure,
            ["remove manager"] = (await Service<ManagerService>().RemoveAsync(actor, client, PortalSite.ManagerOfA)).Failure,
            ["deactivate"] = (await Service<ClientService>().SetActiveAsync(actor, client, false)).Failure,
        };
    }

    [Fact]
    public async Task A_manager_of_another_client_is_refused_every_action_as_if_the_client_did_not_exist()
    {
        var key = (await Service<ApiKeyService>().CreateAsync(Actor.Cli, PortalSite.ClientA, "alpha's")).Unwrap();

        var hidden = await EveryActionAsync(ManagerOfB, PortalSite.ClientA, key.Key.PublicId);
        var unknown = await EveryActionAsync(ManagerOfB, "no-such-client", key.Key.PublicId);

        foreach (var (action, failure) in hidden)
        {
            failure.Should().Be(Failure.ClientNotFound(PortalSite.ClientA), action);
            unknown[action].Should().Be(Failure.ClientNotFound("no-such-client"), action);
        }
        (await Service<KeyVerifier>().VerifyAsync(key.FullKey)).Status.Should().Be(KeyStatus.Valid, "nothing was revoked");
        var alpha = (await Service<ClientDetailsQuery>().LoadAsync(Actor.Cli, PortalSite.ClientA)).Unwrap();
        alpha.IsActive.Should().BeTrue();
        alpha.Managers.Select(m => m.Email).Should().Equal(PortalSite.ManagerOfA);
        alpha.Keys.Select(k => k.Name).Should().NotContain("crafted");
    }

    [Fact]
    public async Task A_manager_of_the_client_may_handle_keys_but_not_managers_or_the_active_state()
    {
        var created = await Service<ApiKeyService>().CreateAsync(ManagerOfA, PortalSite.ClientA, "mine");
        created.Succeeded.Should().BeTrue();
        (await Service<ApiKeyService>().RevokeAsync(ManagerOfA, PortalSite.ClientA, created.Value!.Key.PublicId)).Succeeded.Should().BeTrue();

        var add = await Service<ManagerService>().AddAsync(ManagerOfA, PortalSite.ClientA, "friend@example.org");
        var remove = await Service<ManagerService>().RemoveAsync(ManagerOfA, PortalSite.ClientA, PortalSite.ManagerOfA);
        var deactivate = await Service<ClientService>().SetActiveAsync(ManagerOfA, PortalSite.ClientA, false);

        add.Failure.Should().Be(new Failure(FailureKind.Forbidden, "Only admins can add or remove managers."));
        remove.Failure!.Kind.Should().Be(FailureKind.Forbidden);
        deactivate.Failure.Should().Be(new Failure(FailureKind.Forbidden, "Only admins can activate or deactivate a client."));
        var alpha = (await Service<ClientDetailsQuery>().LoadAsync(ManagerOfA, PortalSite.ClientA)).Unwrap();
        alpha.ViewerIsAdmin.Should().BeFalse();
        alpha.IsActive.Should().BeTrue();
        alpha.Managers.Select(m => m.Email).Should().Equal(PortalSite.ManagerOfA);
    }

    private const string BadStart = "A client name must start with a lower-case letter or a digit.";
    private const string BadCharacter = "A client name may only hold lower-case letters, digits, '-', '_' and '.'.";

    [Theory]
    [InlineData("<script>alert(1)</script>", BadStart + " " + BadCharacter)]
    [InlineData("<img src=x onerror=alert(1)>", BadStart + " " + BadCharacter)]
    [InlineData("alpha\"><script>", BadCharacter)]
    public async Task A_client_name_holding_markup_cannot_be_created(string name, string message)
    {
        var created = await Service<ClientService>().CreateAsync(new Actor(PortalSite.Admin), name);

        created.Failure.Should().Be(new Failure(FailureKind.Invalid, message));
        (await Service<ClientDetailsQuery>().LoadAsync(Actor.Cli, name)).Failure!.Kind.Should().Be(FailureKind.NotFound);
    }
}
