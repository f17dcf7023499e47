using Lumen.Infrastructure.Gateway;
using Microsoft.AspNetCore.Diagnostics;

namespace Lumen.Portal.Gateway;

/// <summary>
/// The edge of <c>/v1</c> (§15): every answer gets its <c>X-Request-Id</c>, and whatever the endpoints leave (an
/// unknown path, a wrong method, an exception) still reaches the caller in OpenAI's error shape, never as a page.
/// </summary>
internal sealed partial class GatewayBoundary(RequestDelegate next, ILogger<GatewayBoundary> log)
{
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>Whether <paramref name="request"/> is for the OpenAI-compatible API.</summary>
    public static bool IsGateway(HttpRequest request) => request.Path.StartsWithSegments("/v1");

    public async Task InvokeAsync(HttpContext http)
    {
        if (!IsGateway(http.Request))
        {
            await next(http);
            return;
        }
        http.Response.Headers[RequestIdHeader] = RequestId(http);
        // The portal's HTML status pages are for people; an API caller gets JSON.
        if (http.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        try
        {
            await next(http);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            LogFault(log, e, RequestId(http));
            await OpenAiResponses.WriteErrorAsync(http, GatewayError.Internal());
            return;
        }
        if (!http.Response.HasStarted && http.Response.StatusCode is 404 or 405 && http.Response.ContentLength is null or 0)
        {
            await OpenAiResponses.WriteErrorAsync(http, GatewayError.NoEndpoint(http.Response.StatusCode, http.Request.Method, http.Request.Path));
        }
    }

    /// <summary>This request's id: made here, never taken from the caller, so a log row's id is always ours.</summary>
    public static string RequestId(HttpContext http)
    {
        if (http.Items[RequestIdHeader] is string id) return id;
        id = "req_" + Guid.CreateVersion7().ToString("N");
        http.Items[RequestIdHeader] = id;
        return id;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} on /v1 failed unexpectedly")]
    private static partial void LogFault(ILogger logger, Exception e, string requestId);
}
