using Bunit;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Config;
using Lumen.Portal.Auth;
using Lumen.Portal.Components.Pages;
using Lumen.Portal.Config;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Portal;

public sealed class HomePageTests : PortalComponentTest
{
    private ChangeFeed? _feed;

    private IRenderedComponent<Home> RenderHome(ConfigState state, bool admin = true)
    {
        Services.AddSingleton(state);
        _feed = Services.AddFeedWithoutDatabase(state);
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@example.org");
        if (admin) auth.SetPolicies(PortalPolicies.Admin, PortalPolicies.ClientsArea);
        return Render<Home>();
    }

    [Fact]
    public void People_who_are_not_admins_see_no_configuration()
    {
        var cut = RenderHome(new ConfigState("/etc/lumen/config.yaml", SampleConfig.Valid()), admin: false);

        cut.Markup.Should().NotContain("/etc/lumen/config.yaml").And.Contain("you do not manage any client yet");
        cut.FindAll(".models-table").Should().BeEmpty();
    }

    [Fact]
    public void Valid_config_shows_admins_models_default_and_named_entry_names()
    {
        var config = SampleConfig.Config(SampleConfig.DefaultEntry, admins: ["ops@example.org", "admin@example.org"],
            named: new Dictionary<string, ClientEntry> { ["research-bot"] = new(500m), ["ci-runner"] = ClientEntry.Empty });

        var cut = RenderHome(new ConfigState("/etc/lumen/config.yaml", SampleConfig.Valid(config)));

        cut.FindAll(".config-admins li").Select(li => li.TextContent).Should().Equal("admin@example.org", "ops@example.org");
        cut.FindAll(".models-table tbody tr").Should().HaveCount(2);
        cut.Find(".default-client td.max").TextContent.Should().Be("100 coins");
        cut.FindAll(".named-entries li").Select(li => li.TextContent).Should().Equal("ci-runner", "research-bot");
        cut.Markup.Should().Contain("Loaded without problems.");
    }

    [Fact]
    public void Rejected_config_shows_errors_and_no_config_sections()
    {
        var cut = RenderHome(new ConfigState("/etc/lumen/config.yaml",
            SampleConfig.Rejected(new ConfigIssue(2, 3, "clients: expected a mapping"))));

        cut.Find(".config-errors li").TextContent.Should().Be("line 2, column 3: clients: expected a mapping");
        cut.FindAll(".models-table").Should().BeEmpty();
    }

    [Fact]
    public async Task Page_re_renders_when_the_config_changes()
    {
        var state = new ConfigState("/etc/lumen/config.yaml", SampleConfig.Rejected(new ConfigIssue(1, 1, "broken")));
        var cut = RenderHome(state);

        await _feed!.ApplyAsync(state, SampleConfig.Valid());

        cut.WaitForAssertion(() => cut.FindAll(".models-table tbody tr").Should().HaveCount(2));
        cut.FindAll(".config-errors").Should().BeEmpty();
    }
}
