using Bunit;
using Lumen.Infrastructure.Config;
using Lumen.Portal.Config;

namespace Lumen.Tests.Portal;

public sealed class ConfigStatusPanelTests : PortalComponentTest
{
    private IRenderedComponent<ConfigStatusPanel> RenderPanel(ConfigLoadResult result, bool inForce = false) =>
        Render<ConfigStatusPanel>(p => p
            .Add(x => x.Path, "/srv/lumen/config/config.yaml")
            .Add(x => x.Result, result)
            .Add(x => x.HasConfigInForce, inForce));

    [Fact]
    public void Shows_the_config_file_path()
    {
        var cut = RenderPanel(SampleConfig.Valid());

        cut.Find(".config-path").TextContent.Should().Contain("/srv/lumen/config/config.yaml");
    }

    [Fact]
    public void Rejected_file_lists_every_error_with_line_and_column()
    {
        var cut = RenderPanel(SampleConfig.Rejected(
            new ConfigIssue(12, 5, "unknown key 'refesh' in clients.research-bot"),
            new ConfigIssue(20, 7, "max must be -2 (unlimited), 0 (blocked) or a positive number of coins.")));

        var alert = cut.Find(".config-errors");
        alert.ClassList.Should().Contain("mud-alert-text-error");
        var items = alert.QuerySelectorAll("li").Select(li => li.TextContent.Trim()).ToList();
        items.Should().Equal(
            "line 12, column 5: unknown key 'refesh' in clients.research-bot",
            "line 20, column 7: max must be -2 (unlimited), 0 (blocked) or a positive number of coins.");
        alert.TextContent.Should().Contain("nothing from it is applied").And.Contain("No configuration is in force");
    }

    [Fact]
    public void Rejected_reload_says_the_last_good_config_stays_in_force()
    {
        var cut = RenderPanel(SampleConfig.Rejected(new ConfigIssue(1, 1, "bad")), inForce: true);

        cut.Find(".config-errors").TextContent.Should().Contain("last good configuration stays in force");
    }

    [Fact]
    public void Warnings_are_shown_as_a_warning_alert()
    {
        var cut = RenderPanel(SampleConfig.Valid(null, new ConfigIssue(30, 9, "starting is greater than max")));

        var alert = cut.Find(".config-warnings");
        alert.ClassList.Should().Contain("mud-alert-text-warning");
        alert.TextContent.Should().Contain("line 30, column 9: starting is greater than max");
        cut.FindAll(".config-errors").Should().BeEmpty();
    }

    [Fact]
    public void Error_text_with_markup_is_rendered_as_text()
    {
        var cut = RenderPanel(SampleConfig.Rejected(new ConfigIssue(3, 4, "unknown key <b>x</b>")));

        cut.Find(".config-errors li").TextContent.Should().Be("line 3, column 4: unknown key <b>x</b>");
        cut.FindAll(".config-errors b").Should().BeEmpty();
        cut.Markup.Should().Contain("&lt;b&gt;x&lt;/b&gt;");
    }
}
