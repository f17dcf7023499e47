using Microsoft.AspNetCore.Antiforgery;

namespace Lumen.Portal.Auth;

/// <summary>
/// Answers a form POST whose antiforgery token is missing or wrong with 400 and one warning line. Left to the
/// endpoint, minimal APIs throw for it in Development (a full stack trace at <c>fail</c> for an expired tab or a
/// stray request) and log it only at Debug elsewhere.
/// </summary>
public static partial class AntiforgeryRefusal
{
    /// <summary>Goes right after <c>UseAntiforgery</c>, which records the verdict this reads.</summary>
    public static IApplicationBuilder UseAntiforgeryRefusal(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false } verdict)
        {
            var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AntiforgeryRefusal));
            Refused(log, http.Request.Method, http.Request.Path, verdict.Error?.Message ?? "invalid token");
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            // A body of its own, so the status-code pages do not turn the refusal into "not found".
            await http.Response.WriteAsync("This form has expired or did not come from this site. Reload the page and try again.");
            return;
        }
        await next(http);
    });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method} {Path}: no valid antiforgery token ({Reason})")]
    private static partial void Refused(ILogger logger, string method, string path, string reason);
}
