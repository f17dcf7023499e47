using Lumen.Domain.Calls;
using Lumen.Domain.Models;

namespace Lumen.Infrastructure.Gateway;

/// <summary>A call that passed every check, on its way to an answer.</summary>
public sealed record AdmittedCall(string RequestId, int ClientId, string ClientName, int KeyId, ModelDefinition Model,
    ModelRequest Request, DateTimeOffset Started);

/// <summary>Answers admitted calls of a model: the built-in one, or its upstream endpoints.</summary>
public interface IAnswerer
{
    /// <summary>Writes the answer to <paramref name="output"/> and says how it went; never throws for the caller leaving.</summary>
    Task<Answer> AnswerAsync(AdmittedCall admitted, ICallOutput output, CancellationToken callerGone);
}

/// <summary>How answering went: the outcome, the tokens to charge (when it is charged), or the error to report.</summary>
public sealed record Answer(CallOutcome Outcome, TokenUsage Usage, GatewayError? Error = null)
{
    public static Answer Completed(TokenUsage usage) => new(CallOutcome.Ok, usage);

    /// <summary>The caller went away: charged for what it had been sent (§15).</summary>
    public static Answer CallerLeft(TokenUsage usage) => new(CallOutcome.ClientClosed, usage);

    /// <summary>The caller went away while its call waited for a slot: nothing reached a model, so nothing is charged (§20).</summary>
    public static Answer LeftWaiting() => new(CallOutcome.ClientClosed, default, GatewayError.ClientClosed);

    public static Answer Failed(GatewayError error) => new(error.Outcome, default, error);
}
