using Lumen.Infrastructure.UseCases;
using Lumen.Portal.Views;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Lumen.Portal.Clients.Detail;

/// <summary>
/// A dialog that makes a key and then shows it once (New API Key, Rotate): who acts, for which client, the runner its
/// action runs in, and closing. The full key lives only in the dialog's memory and is gone when it closes.
/// </summary>
public abstract class KeyDialog : ComponentBase
{
    private ActionRunner? _runner;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private ILogger<ClientDetailPage> Log { get; set; } = default!;
    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;

    [Parameter, EditorRequired] public Actor Actor { get; set; } = default!;
    [Parameter, EditorRequired] public string Client { get; set; } = "";

    protected ActionRunner Actions => _runner ??= new(Snackbar, Log);

    /// <summary>Runs <paramref name="make"/>; its result, or null with the failure given to <paramref name="failed"/>.</summary>
    protected async Task<T?> MakeAsync<T>(Func<Task<Outcome<T>>> make, Action<string> failed) where T : class
    {
        var outcome = await Actions.RunAsync(make, failed: failed);
        if (outcome?.Value is not { } made) return null;
        Dialog.StateHasChanged(); // the title lives in the dialog instance, which does not re-render on its own
        return made;
    }

    protected void Done() => Dialog.Close(DialogResult.Ok(true));

    protected void Cancel() => Dialog.Cancel();
}
