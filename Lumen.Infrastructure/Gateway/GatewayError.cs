using Lumen.Domain.Calls;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// An API error in OpenAI's shape (§10, §15): HTTP status, <c>error.type</c>, <c>error.code</c>, <c>error.message</c>,
/// and the outcome word the request log and the metrics use for it.
/// </summary>
public sealed record GatewayError(int Status, string Type, string Code, string Message, CallOutcome Outcome)
{
    public static GatewayError InvalidKey() => new(401, "invalid_request_error", "invalid_api_key",
        "Missing, unknown or revoked API key. Send it as 'Authorization: Bearer lmn_…'.", CallOutcome.InvalidKey);

    public static GatewayError ClientInactive(string client) => new(403, "permission_denied", "client_inactive",
        $"Client '{client}' is deactivated; an admin can reactivate it in the portal.", CallOutcome.RefusedInactive);

    public static GatewayError ModelNotFound(string model) => new(404, "invalid_request_error", "model_not_found",
        $"The model '{model}' does not exist.", CallOutcome.RefusedAccess);

    public static GatewayError ModelNotAllowed(string model, string client) => new(403, "permission_denied", "model_not_allowed",
        $"Client '{client}' may not use the model '{model}'.", CallOutcome.RefusedAccess);

    public static GatewayError ConsentRequired(string model, string client) => new(403, "permission_denied", "consent_required",
        $"The model '{model}' needs consent before client '{client}' can use it: a manager of the client must record consent in the Lumen portal.",
        CallOutcome.RefusedConsent);

    public static GatewayError InsufficientQuota(string client, bool blocked) => new(429, "insufficient_quota", "insufficient_quota",
        blocked ? $"Client '{client}' has no coin budget (max is 0)."
                : $"Client '{client}' has run out of coins; they refill over time.", CallOutcome.RefusedBudget);

    public static GatewayError BadRequest(string message) =>
        new(400, "invalid_request_error", "invalid_request", message, CallOutcome.InvalidRequest);

    public static GatewayError UpstreamFailed(string model, string detail) => new(502, "upstream_error", "upstream_error",
        $"The model '{model}' failed to answer: {detail}", CallOutcome.UpstreamError);

    public static GatewayError UpstreamUnavailable(string model, string detail) => new(503, "upstream_error", "upstream_unavailable",
        $"The model '{model}' is unavailable: {detail}", CallOutcome.UpstreamError);

    public static GatewayError Internal() => new(500, "server_error", "internal_error",
        "The gateway failed to handle the request; the error is logged.", CallOutcome.InternalError);
}
