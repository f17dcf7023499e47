using Lumen.Domain.Calls;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.UseCases;

namespace Lumen.Infrastructure.Ledger;

/// <summary>
/// One model call as the request log keeps it (§10, §15): who, with which key, the model, the status and error code,
/// tokens, coins, duration, the operation (<c>chat</c> …), its outcome and the request id the caller was given.
/// <see cref="KnownModel"/> says whether the config defines the model: the hourly usage counts the others under
/// <see cref="UsageHours.UnknownModel"/>, so callers cannot create usage rows with names of their choosing (§16).
/// </summary>
public sealed record CallRecord(
    int? ClientId,
    int? ApiKeyId,
    string Model,
    int Status,
    string? ErrorCode,
    long InputTokens,
    long OutputTokens,
    long CoinsMicros,
    int DurationMs,
    CallOutcome Outcome = CallOutcome.Ok,
    string Operation = "chat",
    string? RequestId = null,
    string? ClientName = null, // not stored (the row has the id): for the metrics' optional client label
    bool KnownModel = true)
{
    /// <summary>The model as the hourly usage counts it.</summary>
    public string UsageModel => KnownModel ? Model : UsageHours.UnknownModel;
}
