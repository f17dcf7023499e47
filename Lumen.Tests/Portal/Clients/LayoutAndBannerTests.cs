using System.Security.Claims;
using Bunit;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Config;
using Lumen.Portal.Auth;
using Lumen.Portal.Components.Layout;
using Lumen.Portal.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Lumen.Tests.Portal.Clients;

public sealed class LayoutAndBannerTests : PortalComponentTest
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero));

    private ChangeFeed? _feed;

    private ConfigState UseConfig()
    {
        var state = new ConfigState("/srv/lumen/config.yaml", SampleConfig.Valid(), _clock);
        Services.AddSingleton(state);
        _feed = Services.AddFeedWithoutDatabase(state);
        return state;
    }

    private void SignIn(string email, params string[] policies)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(email);
        auth.SetClaims(new Claim("email", email));
        auth.SetPolicies(policies);
    }

    private IRenderedComponent<MainLayout> RenderLayout()
    {
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return Render<MainLayout>();
    }

    private static string[] NavLinks(IRenderedComponent<MainLayout> cut) =>
        cut.FindAll("nav a").Select(a => a.TextContent.Trim()).ToArray();

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void Clients_nav_link_follows_the_clients_policy(bool admin, bool manager)
    {
        UseConfig();
        var policies = new List<string>();
        if (admin) policies.Add(PortalPolicies.Admin);
        if (admin || manager) policies.Add(PortalPolicies.ClientsArea);
        SignIn("someone@example.org", [.. policies]);

        var cut = RenderLayout();

        if (admin || manager) NavLinks(cut).Should().Contain("Clients");
        else NavLinks(cut).Should().Equal("Home");
        cut.Find(".user-email").TextContent.Should().Be("someone@example.org");
    }

    [Fact]
    public void Anonymous_visitors_get_a_sign_in_button_and_no_clients_link()
    {
        UseConfig();
        AddAuthorization();

        var cut = RenderLayout();

        NavLinks(cut).Should().Equal("Home");
        cut.FindAll("button").Select(b => b.TextContent.Trim()).Should().Contain("Sign in");
    }

    [Fact]
    public async Task Admins_see_the_error_banner_while_the_file_is_bad_and_it_goes_when_fixed()
    {
        var state = UseConfig();
        SignIn("admin@example.org", PortalPolicies.Admin, PortalPolicies.ClientsArea);
        var cut = RenderLayout();
        cut.FindAll(".config-error-banner").Should().BeEmpty();

        _clock.Advance(TimeSpan.FromMinutes(5));
        await _feed!.ApplyAsync(state, SampleConfig.Rejected(new ConfigIssue(9, 5, "unknown key 'refesh' in clients.research-bot (did you mean 'refresh'?)")));

        cut.WaitForAssertion(() => cut.Find(".config-error-banner"));
        var banner = cut.Find(".config-error-banner");
        banner.GetAttribute("role").Should().Be("alert");
        banner.TextContent.Should().Contain("The config file has errors")
            .And.Contain("line 9, column 5: unknown key 'refesh'")
            .And.Contain("The last good config is in force since 2026-11-23 09:30:00 UTC.");

        await _feed!.ApplyAsync(state, SampleConfig.Valid());
        // A view refreshes at most once a second: the fix comes right after the break.
        cut.WaitForAssertion(() => cut.FindAll(".config-error-banner").Should().BeEmpty(), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void People_who_are_not_admins_never_see_the_banner()
    {
        var state = UseConfig();
        SignIn("alice@example.org", PortalPolicies.ClientsArea);
        state.Apply(SampleConfig.Rejected(new ConfigIssue(1, 1, "broken")));

        var cut = RenderLayout();

        cut.FindAll(".config-error-banner").Should().BeEmpty();
    }
}
