using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Portal.Views;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Lumen.Portal.Clients.Detail;

/// <summary>
/// A part of the detail page where the person acts on the client: the client as the page loaded it, who acts, the
/// page's reload (after an action, to show its effect at once), and the <see cref="ActionRunner"/> the actions run in.
/// </summary>
public abstract class ActionPanel : ComponentBase
{
    private ActionRunner? _runner;

    [Inject] protected ISnackbar Snackbar { get; set; } = default!;
    [Inject] private ILogger<ClientDetailPage> Log { get; set; } = default!;
    [Inject] protected IDialogService Dialogs { get; set; } = default!;

    [Parameter, EditorRequired] public ClientDetails Details { get; set; } = default!;
    [Parameter, EditorRequired] public Actor? Actor { get; set; }
    [Parameter] public EventCallback OnChanged { get; set; }

    protected ActionRunner Actions => _runner ??= new(Snackbar, Log);

    /// <summary>
    /// Asks "are you sure?" (<see cref="ConfirmDialog"/>), then runs <paramref name="action"/> in <see cref="Actions"/>
    /// and reloads the page; nothing when an action is running, nobody is signed in, or the person cancels.
    /// </summary>
    protected async Task AskThenRunAsync<T>(Question question, Func<Actor, Task<Outcome<T>>> action, Func<T, string> done)
    {
        if (Actions.Busy || Actor is not { } actor) return;
        if (!await ConfirmDialog.AskAsync(Dialogs, question.Title, question.Message, question.ConfirmText, question.Color)) return;
        await Actions.RunAsync(() => action(actor), done, OnChanged.InvokeAsync);
    }

    /// <summary>What <see cref="ConfirmDialog"/> asks: every text plain, never markup.</summary>
    protected sealed record Question(string Title, string Message, string ConfirmText, Color Color = Color.Primary);
}
