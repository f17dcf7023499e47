namespace Lumen.Domain.Calls;

/// <summary>
/// How a model call ended (SPEC §15's table): one word used alike by the request log, the metrics and the usage rows.
/// </summary>
public enum CallOutcome
{
    Ok,
    InvalidRequest,
    InvalidKey,
    RefusedInactive,
    RefusedAccess,
    RefusedConsent,
    RefusedBudget,
    RefusedCapacity,
    UpstreamError,
    UpstreamTimeout,
    InternalError,
    ClientClosed,
}

public static class CallOutcomeWords
{
    /// <summary>The outcome's word as stored and exported: <c>ok</c>, <c>refused_budget</c>, <c>client_closed</c> …</summary>
    public static string Word(this CallOutcome outcome) => outcome switch
    {
        CallOutcome.Ok => "ok",
        CallOutcome.InvalidRequest => "invalid_request",
        CallOutcome.InvalidKey => "invalid_key",
        CallOutcome.RefusedInactive => "refused_inactive",
        CallOutcome.RefusedAccess => "refused_access",
        CallOutcome.RefusedConsent => "refused_consent",
        CallOutcome.RefusedBudget => "refused_budget",
        CallOutcome.RefusedCapacity => "refused_capacity",
        CallOutcome.UpstreamError => "upstream_error",
        CallOutcome.UpstreamTimeout => "upstream_timeout",
        CallOutcome.InternalError => "internal_error",
        CallOutcome.ClientClosed => "client_closed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    /// <summary>True for the outcomes that are charged: an answer, or what a caller that left had already been sent.</summary>
    public static bool IsCharged(this CallOutcome outcome) => outcome is CallOutcome.Ok or CallOutcome.ClientClosed;
}
