using Bunit;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Config;
using Lumen.Portal.Live;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Portal.Live;

public sealed class LiveViewTests : PortalComponentTest
{
    private readonly ChangeFeed _feed;

    public LiveViewTests()
    {
        var state = new ConfigState("config.yaml", SampleConfig.Valid());
        Services.AddSingleton(state);
        _feed = Services.AddFeedWithoutDatabase(state);
    }

    [Fact]
    public async Task A_refresh_that_throws_reaches_the_renderer()
    {
        Render<FailingView>();

        await _feed.PublishAsync(Change.ConfigLoaded("config file applied"));

        var failure = await Renderer.UnhandledException.WaitAsync(TimeSpan.FromSeconds(10));
        failure.Message.Should().Be("the refresh failed");
    }

    [Fact]
    public async Task A_view_refreshes_with_the_changes_it_listens_for_and_stops_when_disposed()
    {
        var cut = Render<CountingView>();

        await _feed.PublishAsync(Change.ConfigLoaded("config file applied"));
        cut.WaitForAssertion(() => cut.Markup.Should().Be("1: config file applied"));
        var view = cut.Instance;

        await DisposeComponentsAsync();
        await _feed.PublishAsync(Change.ConfigLoaded("config file rejected"));
        // Longer than the throttle's interval: a view still listening would have refreshed by now.
        await Task.Delay(RefreshThrottle.DefaultInterval + TimeSpan.FromMilliseconds(500));
        view.Seen.Should().Equal("config file applied");
    }

    public sealed class FailingView : LiveView
    {
        protected override void OnInitialized() => Listen(ChangeViewer.Anonymous);

        protected override Task OnChangesAsync(IReadOnlyList<Change> changes) =>
            throw new InvalidOperationException("the refresh failed");
    }

    public sealed class CountingView : LiveView
    {
        public List<string> Seen { get; } = [];

        protected override void OnInitialized() => Listen(ChangeViewer.Anonymous);

        protected override Task OnChangesAsync(IReadOnlyList<Change> changes)
        {
            Seen.AddRange(changes.Select(c => c.Summary));
            return Task.CompletedTask;
        }

        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder) =>
            builder.AddContent(0, Seen.Count == 0 ? "" : $"{Seen.Count}: {string.Join(", ", Seen)}");
    }
}
