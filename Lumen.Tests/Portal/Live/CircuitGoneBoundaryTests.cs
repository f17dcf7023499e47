using Bunit;
using Lumen.Portal.Live;
using Lumen.Portal.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.JSInterop;
using MudBlazor.Interop;

namespace Lumen.Tests.Portal.Live;

/// <summary>
/// A usage chart measures itself in the browser after every render (MudBlazor's <c>mudGetSvgBBox</c>). When the person has
/// closed the tab or left the page just then, the call fails with <see cref="JSDisconnectedException"/>: that is no error.
/// </summary>
public sealed class CircuitGoneBoundaryTests : PortalComponentTest
{
    private readonly FakeLogCollector _logs;

    public CircuitGoneBoundaryTests()
    {
        Services.AddLogging(logging => logging.AddFakeLogging().SetMinimumLevel(LogLevel.Debug));
        _logs = Services.GetRequiredService<FakeLogCollector>();
    }

    [Fact]
    public void A_chart_whose_browser_has_gone_logs_no_error_and_draws_again_on_the_next_render()
    {
        var measure = JSInterop.Setup<ElementSize>("mudGetSvgBBox", _ => true);
        measure.SetException(new JSDisconnectedException("The circuit has disconnected and is being disposed."));

        var cut = RenderChart();

        cut.WaitForAssertion(() => _logs.GetSnapshot().Should().Contain(e => e.Category!.EndsWith(nameof(CircuitGoneBoundary), StringComparison.Ordinal)));
        _logs.GetSnapshot().Should().NotContain(e => e.Level >= LogLevel.Warning, "a person leaving a page is normal");
        cut.FindAll("svg").Should().BeEmpty("nobody is there to see it");
        cut.Markup.Should().NotContain("could not be shown");

        measure.SetResult(new ElementSize { Width = 40, Height = 12 }); // the browser is back (a reconnected circuit)
        cut.Render(); // and the page's next refresh renders the chart again
        cut.FindAll("svg").Should().NotBeEmpty();
    }

    [Fact]
    public void A_chart_that_fails_for_another_reason_is_an_error_shown_in_its_place()
    {
        JSInterop.Setup<ElementSize>("mudGetSvgBBox", _ => true).SetException(new JSException("mudGetSvgBBox is not a function"));

        var cut = RenderChart();

        cut.WaitForAssertion(() => cut.Markup.Should().Contain("This part of the page could not be shown."));
        _logs.GetSnapshot().Should().ContainSingle(e => e.Level == LogLevel.Error).Which.Exception!.GetBaseException().Should().BeOfType<JSException>();
        cut.Find("table").Should().NotBeNull("the table of the same numbers is still there");
    }

    private IRenderedComponent<UsageChart> RenderChart() => Render<UsageChart>(p => p
        .Add(c => c.Title, "Requests by model")
        .Add(c => c.BucketHeading, "Hour (UTC)")
        .Add(c => c.Labels, ["10:00", "11:00"])
        .Add(c => c.Series, [new UsageSeries("dummy", [1m, 2m])])
        .Add(c => c.Format, v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
