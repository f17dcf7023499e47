using Lumen.Domain.Calls;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// An API error in OpenAI's shape (§15's table): HTTP status, <c>error.type</c>, <c>error.code</c>, <c>error.message</c>,
/// the outcome word the request log and the metrics use for it, and when the caller may try again. Messages are ours:
/// no upstream's host, port or exception text ever reaches a caller.
/// </summary>
public sealed record GatewayError(int Status, string Type, string Code, string Message, CallOutcome Outcome, TimeSpan? RetryAfter = null)
{
    public static GatewayError InvalidKey() => new(401, "invalid_request_error", "invalid_api_key",
        "Missing, unknown or revoked API key. Send it as 'Authorization: Bearer lmn_…'.", CallOutcome.InvalidKey);

    /// <summary>§22: an expired key is refused as an invalid one, with a message that says so and when.</summary>
    public static GatewayError KeyExpired(DateTime at) => new(401, "invalid_request_error", "invalid_api_key",
        $"This API key expired at {at.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC. " +
        "A manager of its client can create a new key in the Lumen portal.", CallOutcome.InvalidKey);

    public static GatewayError ClientInactive(string client) => new(403, "permission_denied", "client_inactive",
        $"Client '{client}' is deactivated; an admin can reactivate it in the portal.", CallOutcome.RefusedInactive);

    public static GatewayError ModelNotFound(string model) => new(404, "invalid_request_error", "model_not_found",
        $"The model '{model}' does not exist.", CallOutcome.RefusedAccess);

    /// <summary>The model's server does not serve this operation's path (it answered 404 or 405): the caller's model is not there for it.</summary>
    public static GatewayError OperationNotServed(string model, string operation, int upstreamStatus) => new(404, "invalid_request_error", "model_not_found",
        $"The model '{model}' does not serve {operation} requests (its server answered {upstreamStatus}).", CallOutcome.UpstreamError);

    /// <summary>A <c>/v1</c> path or method this gateway has no endpoint for (404 or 405).</summary>
    public static GatewayError NoEndpoint(int status, string method, string path) => new(status, "invalid_request_error", "invalid_request",
        $"This gateway has no endpoint {method} {path}.", CallOutcome.InvalidRequest);

    public static GatewayError ModelNotAllowed(string model, string client) => new(403, "permission_denied", "model_not_allowed",
        $"Client '{client}' may not use the model '{model}'.", CallOutcome.RefusedAccess);

    public static GatewayError ConsentRequired(string model, string client) => new(403, "permission_denied", "consent_required",
        $"The model '{model}' needs consent before client '{client}' can use it: a manager of the client must record consent in the Lumen portal.",
        CallOutcome.RefusedConsent);

    /// <summary>§4: blocked, or out of coins; <paramref name="retryAfter"/> is when refill lifts the balance, if it ever will.</summary>
    public static GatewayError InsufficientQuota(string client, bool blocked, TimeSpan? retryAfter) => new(429, "insufficient_quota", "insufficient_quota",
        blocked ? $"Client '{client}' has no coin budget (max is 0)."
        : retryAfter is null ? $"Client '{client}' has run out of coins, and its budget does not refill."
        : $"Client '{client}' has run out of coins; they refill over time.", CallOutcome.RefusedBudget, retryAfter);

    public static GatewayError BadRequest(string message) =>
        new(400, "invalid_request_error", "invalid_request", message, CallOutcome.InvalidRequest);

    public static GatewayError RequestTooLarge(long limit) => new(413, "invalid_request_error", "request_too_large",
        $"The request body is larger than this gateway accepts ({limit:N0} bytes).", CallOutcome.InvalidRequest);

    public static GatewayError UpstreamRateLimited(string model, TimeSpan? retryAfter) => new(429, "rate_limit_error", "upstream_rate_limited",
        $"The model '{model}' is busy: its server asks to slow down. Try again later.", CallOutcome.UpstreamError, retryAfter);

    public static GatewayError UpstreamFailed(string model, string what) => new(502, "upstream_error", "upstream_error",
        $"The model '{model}' failed to answer: {what}.", CallOutcome.UpstreamError);

    public static GatewayError UpstreamUnavailable(string model, string why) => new(503, "upstream_error", "upstream_unavailable",
        $"The model '{model}' is unavailable: {why}.", CallOutcome.UpstreamError);

    /// <summary>§20: every endpoint of the model stayed full for the queue's bound, or the client has too many calls waiting.</summary>
    public static GatewayError ModelOverloaded(string model, string why, TimeSpan retryAfter) => new(503, "upstream_error", "model_overloaded",
        $"The model '{model}' is overloaded: {why}. Try again later.", CallOutcome.RefusedCapacity, retryAfter);

    public static GatewayError UpstreamTimeout(string model, string what) => new(504, "upstream_error", "upstream_timeout",
        $"The model '{model}' took too long: {what}.", CallOutcome.UpstreamTimeout);

    public static GatewayError Internal() => new(500, "server_error", "internal_error",
        "The gateway failed to handle the request; the error is logged.", CallOutcome.InternalError);

    /// <summary>The caller went away (499 in the log: nobody is there to see a status).</summary>
    public static readonly GatewayError ClientClosed = new(499, "", "client_closed", "", CallOutcome.ClientClosed);
}
