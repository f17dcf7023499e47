using Bunit;
using Lumen.Domain.Access;
using Lumen.Domain.Config;
using Lumen.Portal.Config;

namespace Lumen.Tests.Portal;

public sealed class DefaultClientPanelTests : PortalComponentTest
{
    private IRenderedComponent<DefaultClientPanel> RenderPanel(ClientEntry? defaultEntry) =>
        Render<DefaultClientPanel>(p => p.Add(x => x.Clients,
            new ClientsSection(defaultEntry, new Dictionary<string, ClientEntry>())));

    private static string Cell(IRenderedComponent<DefaultClientPanel> cut, string name) =>
        cut.Find($"td.{name}").TextContent.Trim();

    [Fact]
    public void Shows_the_default_budget_and_model_access()
    {
        var cut = RenderPanel(SampleConfig.DefaultEntry);

        Cell(cut, "max").Should().Be("100 coins");
        Cell(cut, "refresh").Should().Be("0.05 coins per hour");
        Cell(cut, "starting").Should().Be("100 coins");
        Cell(cut, "access-default").Should().Be("blacklist");
        Cell(cut, "whitelist").Should().Be("dummy");
        Cell(cut, "blacklist").Should().Be("(none)");
        Cell(cut, "graylist").Should().Be("(none)");
    }

    [Fact]
    public void Max_of_minus_two_is_shown_as_unlimited()
    {
        var cut = RenderPanel(new ClientEntry(-2m, 1m, 10m, new ModelAccessEntry(AccessMode.Whitelist)));

        Cell(cut, "max").Should().Be("unlimited (-2)");
        Cell(cut, "access-default").Should().Be("whitelist");
    }

    [Fact]
    public void Max_of_zero_is_shown_as_blocked()
    {
        var cut = RenderPanel(new ClientEntry(0m, 0m, 0m, new ModelAccessEntry(AccessMode.Graylist, Graylist: ["llama3", "gpt-4o"])));

        Cell(cut, "max").Should().Be("blocked (0)");
        Cell(cut, "graylist").Should().Be("gpt-4o, llama3");
    }

    [Fact]
    public void Omitted_fields_are_shown_as_omitted_and_blocked()
    {
        var cut = RenderPanel(ClientEntry.Empty);

        Cell(cut, "max").Should().Be("omitted → blocked (0)");
        Cell(cut, "refresh").Should().Be("omitted → 0 coins per hour");
        Cell(cut, "access-default").Should().Be("omitted: every model denied");
    }

    [Fact]
    public void Without_a_default_entry_clients_without_a_named_entry_are_blocked()
    {
        var cut = RenderPanel(null);

        cut.Find(".no-default").TextContent.Should()
            .Be("No default entry: clients without a named entry are blocked.");
        cut.FindAll("td.max").Should().BeEmpty();
    }

    [Fact]
    public void Listed_model_with_markup_is_rendered_as_text()
    {
        var cut = RenderPanel(new ClientEntry(1m, 0m, 1m, new ModelAccessEntry(AccessMode.Blacklist, Whitelist: ["<b>x</b>"])));

        Cell(cut, "whitelist").Should().Be("<b>x</b>");
        cut.FindAll(".default-client b").Should().BeEmpty();
    }
}
