using System.Net.Http;
using Lumen.Infrastructure.Gateway.Capacity;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>
/// Sends a call to its model's endpoints (§20): to the one <see cref="EndpointRouter"/> picks, and when the call could
/// not reach it at all (refused, reset before sending, name or TLS failure, connect timeout) to the next, each at most
/// once. A call that reached an endpoint is never sent again: no GPU does the same work twice. Every outcome is noted in
/// <see cref="EndpointHealth"/>. Cancellation (the caller left, the answer's deadline) is the caller's to handle; a
/// call that waited for a slot and left before it had one comes back as <see cref="GatewayError.ClientClosed"/>.
/// </summary>
internal sealed partial class EndpointFailover(
    UpstreamClients upstreams, EndpointCapacity capacity, EndpointHealth health, GatewayOptions options, TimeProvider clock, ILogger<EndpointFailover> log)
{
    /// <summary>
    /// The answer's headers and the lease that counts the call in flight, or why no endpoint answered. A capped model's
    /// call may wait for a slot first (§20); <paramref name="deadline"/>'s bound on the answer starts once it has one,
    /// since waiting is not part of <c>Gateway:UpstreamTimeoutSeconds</c>.
    /// </summary>
    public async Task<Sent> SendAsync(AdmittedCall admitted, CancellationTokenSource deadline, CancellationToken callerGone)
    {
        var model = admitted.Model;
        var tried = new List<EndpointStatus>(1);
        while (true)
        {
            var taken = await capacity.TakeAsync(admitted, tried, callerGone);
            if (taken.Stop is { } stop) return new Sent(null, null, stop);
            if (taken.Lease is not { } lease) break;
            if (tried.Count == 0) deadline.CancelAfter(options.UpstreamTimeout);
            var endpoint = lease.Endpoint;
            tried.Add(endpoint);
            try
            {
                var body = admitted.Request.UpstreamBody(endpoint.Endpoint.UpstreamModel);
                var response = await upstreams.SendAsync(endpoint.Endpoint, admitted.Request.UpstreamPath, body, deadline.Token);
                Note(endpoint, (int)response.StatusCode);
                return new Sent(lease, response, null);
            }
            catch (HttpRequestException e) when (NeverSent(e))
            {
                Unreachable(lease, e, "could not connect");
            }
            catch (OperationCanceledException e) when (!deadline.IsCancellationRequested)
            {
                // Only the handler's connect timeout cancels a send that neither the caller nor the deadline cancelled.
                Unreachable(lease, e, "its connection timed out");
            }
            catch (HttpRequestException e)
            {
                // It reached the server, which broke off: sending it elsewhere could run it twice.
                Unreachable(lease, e, "its connection broke off");
                return new Sent(null, null, GatewayError.UpstreamFailed(model.Name, "its server broke off the connection"));
            }
            catch
            {
                lease.Dispose();
                throw;
            }
        }
        // None tried: every endpoint was down already, so the caller hears it at once rather than after a timeout.
        var why = tried.Count == 0 ? "every endpoint is down" : "its server could not be reached";
        return new Sent(null, null, GatewayError.UpstreamUnavailable(model.Name, why) with { RetryAfter = UntilNextProbe() });
    }

    private void Note(EndpointStatus endpoint, int status)
    {
        switch (status)
        {
            case 502 or 503 or 504:
                health.CallFailed(endpoint, $"a call got {status}");
                break;
            case 500:
                health.CallErred(endpoint);
                break;
            default:
                endpoint.Answered();
                break;
        }
    }

    private void Unreachable(EndpointLease lease, Exception e, string what)
    {
        lease.Dispose();
        health.CallFailed(lease.Endpoint, $"a call: {what}");
        LogUnreachable(log, e, lease.Endpoint.Model, lease.Endpoint.Endpoint.SafeUrl, what);
    }

    /// <summary>Failures before a byte of the request could have reached a server.</summary>
    private static bool NeverSent(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
        || e.InnerException is TimeoutException;

    /// <summary>Seconds until the next probe round, at least one (§20's <c>Retry-After</c>).</summary>
    private TimeSpan UntilNextProbe()
    {
        var wait = health.NextRound - clock.GetUtcNow();
        return TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model}: a call to its endpoint {Url} failed: {What}")]
    private static partial void LogUnreachable(ILogger logger, Exception e, string model, string url, string what);
}

/// <summary>What <see cref="EndpointFailover.SendAsync"/> came back with: a response and its lease, or an error.</summary>
internal sealed record Sent(EndpointLease? Lease, HttpResponseMessage? Response, GatewayError? Error);
