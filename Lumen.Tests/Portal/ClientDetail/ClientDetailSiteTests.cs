using System.Net;
using System.Text.RegularExpressions;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.UseCases;
using Lumen.Portal.Clients.Detail;
using Lumen.Tests.Portal.Site;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Portal.ClientDetail;

/// <summary>
/// §6 for <c>/clients/{name}</c> over HTTP, through the real sign-in, authorisation and prerendering: admins and the
/// client's managers see it (only admins get the admin controls); everyone else gets the very page an unknown name
/// gets; anonymous visitors are sent to sign in.
/// </summary>
public sealed partial class ClientDetailSiteTests(PortalSite site) : IClassFixture<PortalSite>
{
    /// <summary>A client's page, or one of its tabs or files (<c>alpha-bot/keys</c>, <c>clients/alpha-bot/log</c>).</summary>
    private static Uri Page(string client) => new("/" + (client.StartsWith("clients/", StringComparison.Ordinal) ? client : $"clients/{client}"), UriKind.Relative);

    private async Task<(HttpStatusCode Status, string Html)> GetAsync(string? email, string client)
    {
        using var browser = await site.SignInAs(email);
        using var response = await browser.GetAsync(Page(client));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The page on each of its tabs, as one text: what a person finds by opening every tab.</summary>
    private async Task<(HttpStatusCode[] Statuses, string Html)> EveryTabAsync(string email, string client)
    {
        var pages = new List<(HttpStatusCode Status, string Html)>();
        foreach (var tab in DetailTab.All) pages.Add(await GetAsync(email, tab.Href(client)));
        return ([.. pages.Select(p => p.Status)], string.Concat(pages.Select(p => p.Html)));
    }

    [Fact]
    public async Task Admin_sees_every_panel_and_the_admin_controls()
    {
        var (statuses, html) = await EveryTabAsync(PortalSite.Admin, PortalSite.ClientA);

        statuses.Should().AllBeEquivalentTo(HttpStatusCode.OK);
        H1(html).Should().Be(PortalSite.ClientA);
        H2s(html).Should().Contain(["Budget", "Usage", "Model access", "API keys", "Managers"]);
        html.Should().Contain("active-toggle").And.Contain("add-manager-button").And.Contain("remove-manager")
            .And.Contain("new-api-key").And.Contain(PortalSite.ManagerOfA);
        html.Should().Contain("clients.default (no named entry)", "the budget says where its values come from");
    }

    [Fact]
    public async Task Manager_of_the_client_sees_it_without_admin_controls()
    {
        var (statuses, html) = await EveryTabAsync(PortalSite.ManagerOfA, PortalSite.ClientA);

        statuses.Should().AllBeEquivalentTo(HttpStatusCode.OK);
        H1(html).Should().Be(PortalSite.ClientA);
        html.Should().Contain("new-api-key", "managers create keys").And.Contain(PortalSite.ManagerOfA, "managers see the list");
        html.Should().NotContain("active-toggle").And.NotContain("add-manager-button").And.NotContain("remove-manager");
    }

    [Theory]
    [InlineData("", "Usage over time")]
    [InlineData("/access", "Model access")]
    [InlineData("/keys", "API keys")]
    [InlineData("/managers", "Managers")]
    [InlineData("/log", "Request log")]
    [InlineData("/history", "History")]
    public async Task Each_tabs_url_opens_that_tab_with_only_its_panel(string path, string heading)
    {
        var (status, html) = await GetAsync(PortalSite.Admin, PortalSite.ClientA + path);

        status.Should().Be(HttpStatusCode.OK);
        H2s(html).Should().Equal("Budget", "Usage", heading);
        SelectedTab().Match(html).Groups[1].Value.Should().Be($"clients/{PortalSite.ClientA}{path}");
        Title(html).Should().Be(path.Length == 0 ? $"{PortalSite.ClientA} · Clients · Lumen Portal"
            : $"{PortalSite.ClientA} · {DetailTab.All.Single(t => t.Slug == path[1..]).Label} · Clients · Lumen Portal");
    }

    [Theory]
    [InlineData("/no-such-tab")]
    [InlineData("/usage")]
    public async Task A_tab_that_does_not_exist_opens_the_default_tab_not_an_error(string path)
    {
        var (status, html) = await GetAsync(PortalSite.Admin, PortalSite.ClientA + path);

        status.Should().Be(HttpStatusCode.OK);
        H1(html).Should().Be(PortalSite.ClientA);
        H2s(html).Should().Contain("Budget").And.HaveCount(3);
    }

    [Fact]
    public async Task A_file_name_in_the_tabs_place_is_not_found_not_an_error()
    {
        // A segment with a dot is a file (the CSV exports), never a tab: nothing serves this one.
        var (status, html) = await GetAsync(PortalSite.Admin, $"{PortalSite.ClientA}/keys.txt");

        status.Should().Be(HttpStatusCode.NotFound);
        H2s(html).Should().NotContain("Budget");
    }

    [Theory]
    [InlineData("history.csv", "id,time_utc,actor,")]
    [InlineData("requests.csv", "time_utc,key_hint,")]
    public async Task The_csv_exports_beside_the_tabs_still_answer_with_csv(string file, string header)
    {
        using var browser = await site.SignInAs(PortalSite.ManagerOfA);
        using var response = await browser.GetAsync(Page($"{PortalSite.ClientA}/{file}"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        (await response.Content.ReadAsStringAsync()).Should().StartWith(header);
    }

    [Theory]
    [InlineData(PortalSite.ManagerOfB)]
    [InlineData(PortalSite.Stranger)]
    public async Task Anyone_else_gets_the_same_page_as_for_a_name_that_does_not_exist(string email)
    {
        var (status, html) = await GetAsync(email, PortalSite.ClientA);
        var (unknownStatus, unknownHtml) = await GetAsync(email, "no-such-client");

        status.Should().Be(unknownStatus);
        H1(html).Should().Be("Access denied");
        MainOf(html).Should().Be(MainOf(unknownHtml));
        MainOf(html).Should().NotContain(PortalSite.ClientA).And.NotContain(PortalSite.ManagerOfA);
        Title(html).Should().Be(Title(unknownHtml));
    }

    [Fact]
    public async Task Admin_asking_for_an_unknown_name_is_told_it_does_not_exist()
    {
        var (_, html) = await GetAsync(PortalSite.Admin, "no-such-client");

        H1(html).Should().Be("Client not found");
        Text(MainOf(html)).Should().Contain("There is no client named \"no-such-client\".");
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in_and_back()
    {
        using var browser = await site.SignInAs(null);
        using var response = await browser.GetAsync(Page(PortalSite.ClientA));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var location = response.Headers.Location!.OriginalString;
        location.Should().Contain("/auth/sign-in").And.Contain(Uri.EscapeDataString($"/clients/{PortalSite.ClientA}"));
    }

    [Theory]
    [InlineData("new-bot.v2", "new-bot.v2")]
    [InlineData("ALPHA-BOT", PortalSite.ClientA)]
    public async Task Names_with_dots_and_in_capitals_open_the_client(string path, string name)
    {
        if (name != PortalSite.ClientA) await site.CreateClientAsync(name);

        var (status, html) = await GetAsync(PortalSite.Admin, path);

        status.Should().Be(HttpStatusCode.OK);
        H1(html).Should().Be(name);
    }

    [Fact]
    public async Task A_key_label_holding_markup_is_served_as_text()
    {
        const string label = "<img src=x onerror=alert(1)>";
        var keys = site.Services.GetRequiredService<ApiKeyService>();
        (await keys.CreateAsync(Actor.Cli, PortalSite.ClientB, label)).Unwrap();

        var (_, html) = await GetAsync(PortalSite.ManagerOfB, DetailTab.Keys.Href(PortalSite.ClientB));

        html.Should().Contain("api-key").And.Contain("&lt;img src=x onerror=alert(1)&gt;").And.NotContain(label);
    }

    // The page's own content: the layout's main content area, without Blazor's per-request component markers.
    private static string MainOf(string html)
    {
        var main = MainContent().Match(html);
        main.Success.Should().BeTrue("the layout has a main content area");
        return Markers().Replace(main.Groups[1].Value, "");
    }

    private static string H1(string html) => Text(H1Element().Match(html).Groups[1].Value);

    private static string[] H2s(string html) => H2Element().Matches(html).Select(m => Text(m.Groups[1].Value)).ToArray();

    private static string Title(string html) => WebUtility.HtmlDecode(TitleElement().Match(html).Groups[1].Value);

    private static string Text(string fragment) => WebUtility.HtmlDecode(Tags().Replace(fragment, "")).Trim();

    [GeneratedRegex("<div class=\"mud-main-content\">(.*)<!--Blazor:\\{\"prerenderId\"", RegexOptions.Singleline)]
    private static partial Regex MainContent();

    [GeneratedRegex("<!--Blazor:.*?-->", RegexOptions.Singleline)]
    private static partial Regex Markers();

    [GeneratedRegex("<h1[^>]*>(.*?)</h1>", RegexOptions.Singleline)]
    private static partial Regex H1Element();

    [GeneratedRegex("<h2[^>]*>(.*?)</h2>", RegexOptions.Singleline)]
    private static partial Regex H2Element();

    [GeneratedRegex("<a role=\"tab\"[^>]*href=\"([^\"]*)\"[^>]*aria-selected=\"true\"")]
    private static partial Regex SelectedTab();

    [GeneratedRegex("<title>(.*?)</title>", RegexOptions.Singleline)]
    private static partial Regex TitleElement();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
