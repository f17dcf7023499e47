using System.Net;
using Lumen.Tests.Portal.Site;

namespace Lumen.Tests.Portal.Audit;

/// <summary>
/// §6 and §17 through the real server: <c>/audit</c>, its nav link and its CSV are for admins; a client's history CSV
/// for whoever may open the client, and 404 for anyone else, as for a name that does not exist.
/// </summary>
public sealed class AuditAccessTests(PortalSite site) : IClassFixture<PortalSite>
{
    [Theory]
    [InlineData(PortalSite.Admin, HttpStatusCode.OK, null)]
    [InlineData(PortalSite.ManagerOfA, HttpStatusCode.Redirect, "/access-denied")]
    [InlineData(PortalSite.Stranger, HttpStatusCode.Redirect, "/access-denied")]
    [InlineData(null, HttpStatusCode.Redirect, "/auth/sign-in")]
    public async Task Audit_page_is_for_admins_only(string? email, HttpStatusCode status, string? redirect)
    {
        using var browser = await site.SignInAs(email);

        using var response = await browser.GetAsync(new Uri("/audit", UriKind.Relative));

        response.StatusCode.Should().Be(status);
        if (redirect is not null)
        {
            response.Headers.Location!.PathAndQuery.Should().StartWith(redirect);
            return;
        }
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        html.Should().Contain("Audit trail").And.Contain("client.created").And.Contain(PortalSite.ClientA);
    }

    [Theory]
    [InlineData(PortalSite.Admin, true)]
    [InlineData(PortalSite.ManagerOfA, false)]
    [InlineData(PortalSite.Stranger, false)]
    public async Task Audit_nav_link_only_for_admins(string email, bool shown)
    {
        var nav = await site.NavAsync(email);
        if (shown) nav.Should().Contain("href=\"audit\"");
        else nav.Should().NotContain("href=\"audit\"");
    }

    [Theory]
    [InlineData(PortalSite.Admin, HttpStatusCode.OK)]
    [InlineData(PortalSite.ManagerOfA, HttpStatusCode.Redirect)]
    [InlineData(PortalSite.Stranger, HttpStatusCode.Redirect)]
    [InlineData(null, HttpStatusCode.Redirect)]
    public async Task Audit_csv_is_for_admins_only(string? email, HttpStatusCode status)
    {
        using var browser = await site.SignInAs(email);

        using var response = await browser.GetAsync(new Uri($"/audit.csv?client={PortalSite.ClientA}", UriKind.Relative));

        response.StatusCode.Should().Be(status);
        if (status != HttpStatusCode.OK) return;
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("id,time_utc,actor,action,client,clients,summary,client_change,detail");
        lines.Skip(1).Should().NotBeEmpty().And.OnlyContain(l => l.Contains($",{PortalSite.ClientA},", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(PortalSite.Admin, PortalSite.ClientA, HttpStatusCode.OK)]
    [InlineData(PortalSite.ManagerOfA, PortalSite.ClientA, HttpStatusCode.OK)]
    [InlineData(PortalSite.ManagerOfA, PortalSite.ClientB, HttpStatusCode.NotFound)]
    [InlineData(PortalSite.ManagerOfA, "no-such-client", HttpStatusCode.NotFound)]
    [InlineData(PortalSite.Stranger, PortalSite.ClientA, HttpStatusCode.NotFound)]
    [InlineData(null, PortalSite.ClientA, HttpStatusCode.Redirect)]
    public async Task History_csv_follows_who_may_open_the_client(string? email, string client, HttpStatusCode status)
    {
        using var browser = await site.SignInAs(email);

        using var response = await browser.GetAsync(new Uri($"/clients/{client}/history.csv", UriKind.Relative));

        response.StatusCode.Should().Be(status);
        if (status != HttpStatusCode.OK) return;
        var text = await response.Content.ReadAsStringAsync();
        text.Should().Contain("client.created").And.Contain("manager.added").And.NotContain(PortalSite.ClientB);
    }

    [Theory]
    [InlineData(PortalSite.Admin, true)]
    [InlineData(PortalSite.ManagerOfA, true)]
    public async Task Detail_page_shows_the_client_history_to_those_who_may_open_it(string email, bool shown)
    {
        using var browser = await site.SignInAs(email);
        var html = WebUtility.HtmlDecode(await browser.GetStringAsync(new Uri($"/clients/{PortalSite.ClientA}/history", UriKind.Relative)));
        html.Contains("history-panel", StringComparison.Ordinal).Should().Be(shown);
        html.Should().Contain($"manager added {PortalSite.ManagerOfA}");
    }
}
