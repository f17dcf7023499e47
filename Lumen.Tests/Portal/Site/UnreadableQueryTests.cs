using System.Net;

namespace Lumen.Tests.Portal.Site;

/// <summary>
/// A typo in a URL is never a server error: every query parameter of every page, given a value it cannot read, shows
/// the default view (200), through the real server as a signed-in admin. The CSV exports refuse instead (400 naming
/// the parameter), because leaving out a filter would pass an unfiltered export off as the rows asked for.
/// </summary>
public sealed class UnreadableQueryTests(PortalSite site) : IClassFixture<PortalSite>
{
    private static readonly string[] BadValues = ["abc", "99999999999", "2147483647", "-1", "", "maybe", "1e3", "%00", new string('9', 300)];

    private static readonly (string Path, string[] Parameters)[] Pages =
    [
        ("/", []),
        ("/clients", ["q", "sort", "desc", "page", "size"]),
        ($"/clients/{PortalSite.ClientA}", []),
        ($"/clients/{PortalSite.ClientA}/log", []),
        ("/audit", ["client", "actor", "action", "since", "until", "before", "after"]),
        ("/auth/dev-sign-in", ["returnUrl", "error"]),
    ];

    public static TheoryData<string, string, string> PageParameters()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (path, parameters) in Pages)
            foreach (var parameter in parameters.Append("unknown"))
                foreach (var value in BadValues) data.Add(path, parameter, value);
        return data;
    }

    [Theory, MemberData(nameof(PageParameters))]
    public async Task A_page_shows_its_default_view_for_a_value_it_cannot_read(string path, string parameter, string value)
    {
        using var admin = await site.SignInAs(PortalSite.Admin);

        using var response = await admin.GetAsync(new Uri($"{path}?{parameter}={value}", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.OK, "{0}?{1}={2} is a typo, not a server error", path, parameter, value);
    }

    [Fact]
    public async Task The_audit_page_keeps_an_unreadable_time_in_its_field_and_says_it_is_not_one()
    {
        using var admin = await site.SignInAs(PortalSite.Admin);

        var html = await admin.GetStringAsync(new Uri("/audit?since=yesterday", UriKind.Relative));

        html.Should().Contain("value=\"yesterday\"").And.Contain("Not a date or time");
    }

    [Theory]
    [InlineData("/audit.csv", "action", "created")]
    [InlineData("/audit.csv", "since", "abc")]
    [InlineData("/audit.csv", "until", "2026-13-45")]
    [InlineData($"/clients/{PortalSite.ClientA}/history.csv", "action", "maybe")]
    [InlineData($"/clients/{PortalSite.ClientA}/history.csv", "since", "yesterday")]
    [InlineData($"/clients/{PortalSite.ClientA}/history.csv", "until", "99999999999")]
    [InlineData($"/clients/{PortalSite.ClientA}/requests.csv", "outcome", "nonsense")]
    [InlineData($"/clients/{PortalSite.ClientA}/requests.csv", "since", "abc")]
    [InlineData($"/clients/{PortalSite.ClientA}/requests.csv", "until", "-1")]
    public async Task A_csv_export_refuses_a_filter_it_cannot_read_and_names_it(string path, string parameter, string value)
    {
        using var admin = await site.SignInAs(PortalSite.Admin);

        using var response = await admin.GetAsync(new Uri($"{path}?client={PortalSite.ClientA}&{parameter}={value}", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain($"'{parameter}'");
    }

    [Theory]
    [InlineData("/audit.csv")]
    [InlineData($"/clients/{PortalSite.ClientA}/history.csv")]
    [InlineData($"/clients/{PortalSite.ClientA}/requests.csv")]
    public async Task A_csv_export_takes_empty_filters_as_none(string path)
    {
        using var admin = await site.SignInAs(PortalSite.Admin);

        using var response = await admin.GetAsync(new Uri($"{path}?since=&until=&action=&outcome=", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
