using System.Net;
using Lumen.Portal.Auth;
using Lumen.Tests.Hosting;
using Microsoft.Extensions.Logging;

namespace Lumen.Tests.Portal.Site;

/// <summary>Sign-in and roles through the real server: the development form, redirects, live role changes, Production's refusal.</summary>
public sealed class SignInTests(PortalSite site) : IClassFixture<PortalSite>
{
    [Fact]
    public async Task A_bad_email_returns_to_the_form_with_a_message_and_signs_nobody_in()
    {
        using var browser = await site.SignInAs(null);
        var token = await PortalSite.AntiforgeryTokenAsync(browser, "/auth/dev-sign-in");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["email"] = "not an address", ["returnUrl"] = "/clients",
        });

        using var response = await browser.PostAsync(new Uri("/auth/dev-sign-in", UriKind.Relative), form);

        response.Headers.Location!.OriginalString.Should().Be("/auth/dev-sign-in?returnUrl=%2Fclients&error=email&email=not%20an%20address");
        var html = await browser.GetStringAsync(response.Headers.Location);
        html.Should().Contain("&#x27;not an address&#x27; is not an e-mail address like name@example.org.",
            "the message adding this text as a manager gives");
        (await browser.GetAsync(new Uri("/clients", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Sign_in_without_an_antiforgery_token_is_refused()
    {
        using var browser = await site.SignInAs(null);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = PortalSite.Admin });

        using var response = await browser.PostAsync(new Uri("/auth/dev-sign-in", UriKind.Relative), form);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/auth/dev-sign-in")]
    [InlineData("/auth/sign-out")]
    public async Task A_post_without_an_antiforgery_token_logs_one_warning_line_and_no_stack_trace(string path)
    {
        using var browser = await site.SignInAs(null);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = PortalSite.Admin, ["returnUrl"] = "/" });
        site.Logs.Clear();

        using var response = await browser.PostAsync(new Uri(path, UriKind.Relative), form);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var logged = site.Logs.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).ToList();
        var line = logged.Should().ContainSingle().Subject;
        line.Level.Should().Be(LogLevel.Warning);
        line.Exception.Should().BeNull("one line, no stack trace");
        line.Message.Should().StartWith($"Refused POST {path}: no valid antiforgery token");
    }

    [Theory]
    [InlineData("/clients?q=bot", "/clients?q=bot")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData(null, "/")]
    [InlineData("/\t/evil.example/", "/")]
    [InlineData("/\n/evil.example/", "/")]
    [InlineData("/\r/evil.example/", "/")]
    [InlineData("/\u0000/evil.example/", "/")]
    [InlineData("/\u007f/evil.example/", "/")]
    [InlineData("/clients\\..\\\\evil.example", "/")]
    [InlineData("clients", "/")]
    [InlineData("/clients/%2F%2Fevil.example?q=%09", "/clients/%2F%2Fevil.example?q=%09")]
    public void Only_local_return_urls_are_followed(string? returnUrl, string expected) =>
        AuthEndpoints.LocalOnly(returnUrl).Should().Be(expected);

    [Fact]
    public async Task Signing_in_with_a_return_url_holding_a_tab_lands_on_the_home_page()
    {
        using var browser = await site.SignInAs(null);
        var token = await PortalSite.AntiforgeryTokenAsync(browser, "/auth/dev-sign-in");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["email"] = PortalSite.Admin, ["returnUrl"] = "/\t/evil.example/",
        });

        using var response = await browser.PostAsync(new Uri("/auth/dev-sign-in", UriKind.Relative), form);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be("/");
    }

    [Fact]
    public async Task The_sign_in_challenge_drops_a_return_url_holding_a_tab()
    {
        using var browser = await site.SignInAs(null);

        using var response = await browser.GetAsync(new Uri("/auth/sign-in?returnUrl=%2F%09%2Fevil.example%2F", UriKind.Relative));

        response.Headers.Location!.OriginalString.Should().Be("/auth/dev-sign-in?returnUrl=%2F");
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        using var browser = await site.SignInAs(PortalSite.Admin);
        (await browser.GetAsync(new Uri("/clients", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK, "signed in before");
        var token = await PortalSite.AntiforgeryTokenAsync(browser, "/");

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["returnUrl"] = "/" });
        using var response = await browser.PostAsync(new Uri("/auth/sign-out", UriKind.Relative), form);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await browser.GetAsync(new Uri("/clients", UriKind.Relative))).Headers.Location!.PathAndQuery.Should().StartWith("/auth/sign-in");
    }

    [Fact]
    public async Task Becoming_an_admin_in_the_config_counts_on_the_next_page_without_signing_in_again()
    {
        using var browser = await site.SignInAs("newcomer@example.org");
        (await browser.GetAsync(new Uri("/clients", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Redirect);
        try
        {
            await site.SaveConfigAsync(PortalSite.Config().Admins("Newcomer@Example.org").ToString());

            using var response = await browser.GetAsync(new Uri("/clients", UriKind.Relative));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()).Should().Contain("+ New Client").And.Contain(PortalSite.ClientB);
        }
        finally
        {
            await site.SaveConfigAsync(PortalSite.Yaml);
        }
        (await browser.GetAsync(new Uri("/clients", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Redirect, "and losing it counts too");
    }

    [Fact]
    public void Production_without_an_identity_provider_refuses_to_start()
    {
        using var host = new TestHost(new TestHostOptions { Environment = "Production" });

        var start = () => host.Server;

        start.Should().Throw<InvalidOperationException>().WithMessage("*No identity provider is configured for the Production environment*");
    }
}
