using Bunit;
using Lumen.Domain.Models;
using Lumen.Portal.Config;

namespace Lumen.Tests.Portal;

public sealed class ModelsTableTests : PortalComponentTest
{
    private IRenderedComponent<ModelsTable> RenderTable(params ModelDefinition[] models) =>
        Render<ModelsTable>(p => p.Add(x => x.Models, new ModelCatalog(models)));

    private static List<string> Cells(AngleSharp.Dom.IElement row) =>
        row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();

    [Fact]
    public void Lists_each_model_with_prices_upstream_and_active_flag()
    {
        var retired = new ModelDefinition("old-model", new ModelPrice(2m, 4m),
            [new ModelEndpoint("http://10.0.0.5/v1", "old-model", null, null)], Active: false);

        var cut = RenderTable(SampleConfig.Dummy, SampleConfig.Llama, retired);

        var rows = cut.FindAll(".models-table tbody tr");
        rows.Should().HaveCount(3);
        Cells(rows[0]).Should().Equal("dummy", "0", "0", "built in", "yes");
        Cells(rows[1]).Should().Equal("llama3", "0.5", "1.5", "http://127.0.0.1:11434/v1 (llama3:8b)", "yes");
        Cells(rows[2]).Should().Equal("old-model", "2", "4", "http://10.0.0.5/v1", "no");
    }

    [Fact]
    public void Never_shows_an_inline_api_key()
    {
        var withKey = new ModelDefinition("gpt-4o", ModelPrice.Free,
            [new ModelEndpoint("https://api.example.org/v1", "gpt-4o", null, "sk-secret-123")]);

        var cut = RenderTable(withKey);

        cut.Markup.Should().NotContain("sk-secret-123");
    }

    [Fact]
    public void Model_name_with_markup_is_rendered_as_text()
    {
        var cut = RenderTable(new ModelDefinition("<b>x</b>", ModelPrice.Free, []));

        cut.Find(".models-table tbody td").TextContent.Should().Be("<b>x</b>");
        cut.FindAll(".models-table tbody b").Should().BeEmpty();
    }

    [Fact]
    public void Empty_catalog_says_so()
    {
        var cut = RenderTable();

        cut.Markup.Should().Contain("No models are defined.");
    }
}
