using Lumen.Infrastructure.UseCases;
using MudBlazor;

namespace Lumen.Portal.Views;

/// <summary>
/// One person's action in a panel, start to end: while it runs the panel is busy (its buttons disabled, a second
/// click ignored); the use case decides (authorization stays on the server); success is said in a snackbar, a failure's
/// text is shown to the person; then the panel reloads to show what is stored. When the use case itself throws (the
/// database unreachable, say), the person gets a failure to read instead of an exception that would end their whole
/// session (the circuit); the exception is logged.
/// </summary>
public sealed partial class ActionRunner(ISnackbar snackbar, ILogger logger)
{
    public const string UnavailableMessage =
        "That did not go through: the database may be unavailable. The page shows what is stored; try again in a moment.";

    /// <summary>An action is running.</summary>
    public bool Busy { get; private set; }

    /// <summary>
    /// Runs <paramref name="action"/> unless one is running (then answers null). On success <paramref name="done"/>
    /// gives the snackbar's text (none without it); a failure's text goes to <paramref name="failed"/>, or else to an
    /// error snackbar. <paramref name="reload"/> runs after either.
    /// </summary>
    public async Task<Outcome<T>?> RunAsync<T>(Func<Task<Outcome<T>>> action, Func<T, string>? done = null,
        Func<Task>? reload = null, Action<string>? failed = null)
    {
        if (Busy) return null;
        Busy = true;
        Outcome<T> outcome;
        try
        {
            outcome = await RunSafelyAsync(action);
        }
        finally
        {
            Busy = false;
        }
        if (outcome.Succeeded)
        {
            if (done is not null) snackbar.Add(done(outcome.Value!), Severity.Success);
        }
        else if (failed is not null) failed(outcome.Failure!.Message);
        else snackbar.Add(outcome.Failure!.Message, Severity.Error);
        if (reload is not null) await reload();
        return outcome;
    }

    private async Task<Outcome<T>> RunSafelyAsync<T>(Func<Task<Outcome<T>>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Failed(logger, e);
            return new Failure(FailureKind.Unavailable, UnavailableMessage);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An action in the portal failed")]
    private static partial void Failed(ILogger logger, Exception exception);
}
