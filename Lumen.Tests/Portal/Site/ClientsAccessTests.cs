using System.Net;
using System.Text.RegularExpressions;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Portal.Clients;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Portal.Site;

/// <summary>
/// §6 for <c>/clients</c>, its nav link, the <c>/hubs/clients</c> hub and client creation, through the real server:
/// admin, manager of A, manager of B, a signed-in stranger and anonymous.
/// </summary>
public sealed class ClientsAccessTests(PortalSite site) : IClassFixture<PortalSite>
{
    public static TheoryData<string?, HttpStatusCode, string?> PageCases() => new()
    {
        { PortalSite.Admin, HttpStatusCode.OK, null },
        { PortalSite.ManagerOfA, HttpStatusCode.OK, null },
        { PortalSite.ManagerOfB, HttpStatusCode.OK, null },
        { PortalSite.Stranger, HttpStatusCode.Redirect, "/access-denied" },
        { null, HttpStatusCode.Redirect, "/auth/sign-in" },
    };

    [Theory, MemberData(nameof(PageCases))]
    public async Task Clients_page_answers_each_role(string? email, HttpStatusCode status, string? redirect)
    {
        using var browser = await site.SignInAs(email);

        using var response = await browser.GetAsync(new Uri("/clients", UriKind.Relative));

        response.StatusCode.Should().Be(status);
        if (redirect is not null)
        {
            response.Headers.Location!.PathAndQuery.Should().StartWith(redirect).And.Contain("ReturnUrl=%2Fclients");
            return;
        }
        var html = await response.Content.ReadAsStringAsync();
        html = WebUtility.HtmlDecode(html);
        html.Should().Contain("Total Clients");
        var (sees, hidden) = email switch
        {
            PortalSite.Admin => (new[] { PortalSite.ClientA, PortalSite.ClientB }, Array.Empty<string>()),
            PortalSite.ManagerOfA => (new[] { PortalSite.ClientA }, new[] { PortalSite.ClientB }),
            _ => (new[] { PortalSite.ClientB }, new[] { PortalSite.ClientA }),
        };
        foreach (var name in sees) html.Should().Contain($"clients/{name}\"");
        foreach (var name in hidden) html.Should().NotContain(name, "a manager sees only their own clients");
        if (email == PortalSite.Admin) html.Should().Contain("+ New Client");
        else html.Should().NotContain("+ New Client");
    }

    [Fact]
    public async Task Access_denied_page_tells_a_signed_in_stranger_so()
    {
        using var browser = await site.SignInAs(PortalSite.Stranger);
        var html = await browser.GetStringAsync(new Uri("/access-denied", UriKind.Relative));
        html.Should().Contain("Access denied");
    }

    [Theory]
    [InlineData(PortalSite.Admin, true)]
    [InlineData(PortalSite.ManagerOfA, true)]
    [InlineData(PortalSite.Stranger, false)]
    [InlineData(null, false)]
    public async Task Clients_nav_link_only_for_admins_and_managers(string? email, bool shown)
    {
        var nav = await site.NavAsync(email);
        if (shown) nav.Should().Contain("href=\"clients\"");
        else nav.Should().NotContain("href=\"clients\"");
    }

    [Theory]
    [InlineData(PortalSite.Admin, HttpStatusCode.OK)]
    [InlineData(PortalSite.ManagerOfA, HttpStatusCode.OK)]
    [InlineData(PortalSite.ManagerOfB, HttpStatusCode.OK)]
    [InlineData(PortalSite.Stranger, HttpStatusCode.Forbidden)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    public async Task Hub_negotiation_is_authorised_like_the_page(string? email, HttpStatusCode expected)
    {
        using var browser = await site.SignInAs(email);
        using var response = await browser.PostAsync(new Uri($"{ClientsHub.Path}/negotiate?negotiateVersion=1", UriKind.Relative), null);
        response.StatusCode.Should().Be(expected);
    }

    /// <summary>
    /// The changes are made as soon as each listener is connected. With a slow subscription (the seam delays it) a
    /// listener that took a started connection for a subscribed one missed them; it now waits for <c>subscribed</c>.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(400)]
    public async Task Hub_sends_each_person_only_the_changes_of_clients_they_may_see(int subscribeDelayMs)
    {
        var hubListeners = site.Services.GetRequiredService<ClientsHubListeners>();
        hubListeners.SubscribeDelay = TimeSpan.FromMilliseconds(subscribeDelayMs);
        var admin = await ListenAsync(PortalSite.Admin);
        var alice = await ListenAsync(PortalSite.ManagerOfA);
        var bob = await ListenAsync(PortalSite.ManagerOfB);
        var clients = site.Services.GetRequiredService<ClientService>();
        try
        {
            (await clients.SetActiveAsync(Actor.Cli, PortalSite.ClientA, false)).Unwrap();
            (await clients.SetActiveAsync(Actor.Cli, PortalSite.ClientB, false)).Unwrap();

            (await clients.SetActiveAsync(Actor.Cli, PortalSite.ClientA, true)).Unwrap();

            await admin.WaitForAsync(PortalSite.ClientA, PortalSite.ClientB);
            await bob.WaitForAsync(PortalSite.ClientB);
            await alice.WaitForCountAsync(2);
            // Bob's message about beta came after the change to alpha, and Alice's second message about alpha after the
            // change to beta: had either been sent the other's client, it would be here.
            bob.Clients.Should().NotContain(PortalSite.ClientA);
            alice.Clients.Should().NotContain(PortalSite.ClientB);
            alice.Received.Should().Contain(m => m.Client == PortalSite.ClientA && m.Kind == "ActiveChanged" && m.Summary.Contains("deactivated"));
        }
        finally
        {
            (await clients.SetActiveAsync(Actor.Cli, PortalSite.ClientA, true)).Unwrap();
            (await clients.SetActiveAsync(Actor.Cli, PortalSite.ClientB, true)).Unwrap();
            await Task.WhenAll(admin.DisposeAsync().AsTask(), alice.DisposeAsync().AsTask(), bob.DisposeAsync().AsTask());
            hubListeners.SubscribeDelay = TimeSpan.Zero;
        }
    }

    [Theory]
    [InlineData(PortalSite.Admin, true)]
    [InlineData(PortalSite.ManagerOfA, false)]
    [InlineData(PortalSite.ManagerOfB, false)]
    [InlineData(PortalSite.Stranger, false)]
    public async Task Only_admins_create_clients(string email, bool allowed)
    {
        var name = $"made-by-{email.Split('@')[0]}";
        var created = await site.Services.GetRequiredService<ClientService>().CreateAsync(new Actor(email), name);

        created.Succeeded.Should().Be(allowed);
        if (!allowed) created.Failure!.Kind.Should().Be(FailureKind.Forbidden);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("Research-Bot")]
    [InlineData("default")]
    public async Task Names_that_are_not_valid_are_refused_and_nothing_is_created(string name)
    {
        var directory = site.Services.GetRequiredService<ClientDirectory>();
        var before = (await directory.QueryAsync(new Actor(PortalSite.Admin), new ClientQuery())).Matching;

        var created = await site.Services.GetRequiredService<ClientService>().CreateAsync(new Actor(PortalSite.Admin), name);

        created.Succeeded.Should().BeFalse();
        created.Failure!.Kind.Should().Be(FailureKind.Invalid);
        (await directory.QueryAsync(new Actor(PortalSite.Admin), new ClientQuery())).Matching.Should().Be(before);
    }

    private async Task<HubListener> ListenAsync(string email)
    {
        var cookie = await site.SignInCookieAsync(email);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(site.Server.BaseAddress, ClientsHub.Path), o =>
            {
                o.HttpMessageHandlerFactory = _ => site.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                o.Headers["Cookie"] = cookie;
            })
            .Build();
        return await HubListener.ListenAsync(connection);
    }
}
