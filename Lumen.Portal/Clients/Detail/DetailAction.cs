using Lumen.Infrastructure.UseCases;

namespace Lumen.Portal.Clients.Detail;

/// <summary>
/// Runs one action of the detail page against its use case. When the use case itself fails (the database unreachable,
/// say), the panel gets a failure with a message to show, as for a refusal, instead of an exception that would end the
/// person's whole session (the circuit). The exception is logged.
/// </summary>
internal static partial class DetailAction
{
    public const string UnavailableMessage =
        "That did not go through: the database may be unavailable. The page shows what is stored; try again in a moment.";

    public static async Task<Outcome<T>> RunAsync<T>(ILogger logger, Func<Task<Outcome<T>>> action)
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

    [LoggerMessage(Level = LogLevel.Error, Message = "An action on the client detail page failed")]
    private static partial void Failed(ILogger logger, Exception exception);
}
