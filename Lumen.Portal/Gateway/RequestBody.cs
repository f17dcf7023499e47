using Lumen.Infrastructure.Gateway;
using Microsoft.AspNetCore.Http.Features;

namespace Lumen.Portal.Gateway;

/// <summary>Reads a <c>/v1</c> request body into memory, no further than <see cref="GatewayOptions.MaxRequestBytes"/> (§15: 413).</summary>
internal static class RequestBody
{
    public static async Task<(byte[]? Body, GatewayError? Problem)> ReadAsync(HttpContext http)
    {
        var limit = http.RequestServices.GetRequiredService<GatewayOptions>().MaxRequestBytes;
        if (http.Request.ContentLength > limit) return (null, GatewayError.RequestTooLarge(limit));
        // Kestrel's own limit would fail the read with an exception of its own; ours is the one that answers.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = null;
        try
        {
            var body = await BoundedBody.ReadAsync(http.Request.Body, limit, http.RequestAborted);
            return body is null ? (null, GatewayError.RequestTooLarge(limit)) : (body, null);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException || e is OperationCanceledException && http.RequestAborted.IsCancellationRequested)
        {
            // Kestrel reports a caller that hung up mid-upload as a bad request ("Unexpected end of request content"), a
            // reset or a cancel: the caller is gone (§15's client_closed), which is no fault of ours.
            http.RequestServices.GetRequiredService<CutOffUploads>().Saw();
            return (null, GatewayError.ClientClosed);
        }
    }
}
