using Bunit;
using MudBlazor.Services;

namespace Lumen.Tests.Portal;

/// <summary>
/// bUnit context with MudBlazor services. MudBlazor's services only dispose asynchronously, so the
/// context is disposed through <see cref="IAsyncLifetime"/> rather than xunit's synchronous Dispose.
/// </summary>
public abstract class PortalComponentTest : BunitContext, IAsyncLifetime
{
    protected PortalComponentTest()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await AfterDisposeAsync();
    }

    /// <summary>For what a test class owns beyond the context (databases), released after the components are gone.</summary>
    protected virtual Task AfterDisposeAsync() => Task.CompletedTask;
}
