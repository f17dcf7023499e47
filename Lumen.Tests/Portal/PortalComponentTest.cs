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

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
