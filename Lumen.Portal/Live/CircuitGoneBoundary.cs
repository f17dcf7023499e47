using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.JSInterop;

namespace Lumen.Portal.Live;

/// <summary>
/// Wraps a component that calls the browser after each render (MudBlazor's charts measure themselves). When the person
/// has closed the tab or left the page, a live refresh can still render it and its call then fails with
/// <see cref="JSDisconnectedException"/>: normal, not an error, so it is logged at Debug and the content is left out
/// until the next render from the page (a circuit that reconnects shows it again). Any other failure is an error, logged
/// and shown as a short notice in place of the content.
/// </summary>
public sealed partial class CircuitGoneBoundary : ErrorBoundaryBase
{
    [Inject] private ILogger<CircuitGoneBoundary> Logger { get; set; } = default!;

    protected override void OnParametersSet()
    {
        // The page rendered again: the browser may be back, so try the content again.
        if (IsBrowserGone(CurrentException)) Recover();
    }

    protected override Task OnErrorAsync(Exception exception)
    {
        if (IsBrowserGone(exception)) BrowserGone(Logger);
        else Failed(Logger, exception);
        return Task.CompletedTask;
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (CurrentException is null)
        {
            builder.AddContent(0, ChildContent);
        }
        else if (!IsBrowserGone(CurrentException))
        {
            builder.OpenElement(1, "p");
            builder.AddAttribute(2, "class", "mud-error-text");
            builder.AddContent(3, "This part of the page could not be shown.");
            builder.CloseElement();
        }
    }

    /// <summary>The browser's side of the circuit is gone (the renderer may hand the failure over wrapped).</summary>
    private static bool IsBrowserGone(Exception? e) => e switch
    {
        JSDisconnectedException => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsBrowserGone),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "A component's browser call found the browser gone (tab closed or page left)")]
    private static partial void BrowserGone(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "A component failed to render")]
    private static partial void Failed(ILogger logger, Exception exception);
}
