using Lumen.Infrastructure.Gateway;
using Microsoft.AspNetCore.Http.Features;

namespace Lumen.Portal.Gateway;

/// <summary>Reads a <c>/v1</c> request body into memory, no further than <see cref="GatewayOptions.MaxRequestBytes"/> (§15: 413).</summary>
internal static class RequestBody
{
    public static async Task<(byte[]? Body, GatewayError? Problem)> ReadAsync(HttpContext http, GatewayOptions options)
    {
        var limit = options.MaxRequestBytes;
        if (http.Request.ContentLength > limit) return (null, GatewayError.RequestTooLarge(limit));
        // Kestrel's own limit would fail the read with an exception of its own; ours is the one that answers.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = null;
        var body = await BoundedBody.ReadAsync(http.Request.Body, limit, http.RequestAborted);
        return body is null ? (null, GatewayError.RequestTooLarge(limit)) : (body, null);
    }
}
