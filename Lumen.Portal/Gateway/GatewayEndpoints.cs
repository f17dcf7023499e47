using Lumen.Infrastructure.Gateway;
using Lumen.Infrastructure.Gateway.Chat;

namespace Lumen.Portal.Gateway;

/// <summary>
/// The OpenAI-compatible API (§10, §15) under <c>/v1</c>: HTTP only. Each endpoint reads its body, hands the call to
/// <see cref="ModelCalls"/> and maps what comes back to a status and OpenAI's error shape. Authenticated by API key
/// only, never by the portal's cookie.
/// </summary>
public static class GatewayEndpoints
{
    public const string RequestIdHeader = GatewayBoundary.RequestIdHeader;

    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration) =>
        services.AddLumenGateway(GatewayOptions.FromConfiguration(configuration));

    /// <summary>The edge of <c>/v1</c>: request ids, and OpenAI's error shape for whatever the endpoints leave.</summary>
    public static IApplicationBuilder UseGatewayBoundary(this IApplicationBuilder app) => app.UseMiddleware<GatewayBoundary>();

    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder app)
    {
        // API keys only: never the portal's sign-in (no cookie, no antiforgery, no redirect to a login page).
        var v1 = app.MapGroup("/v1").DisableAntiforgery().AllowAnonymous();
        v1.MapGet("/models", ListModelsAsync);
        v1.MapPost("/chat/completions", ChatAsync);
        return app;
    }

    private static async Task ChatAsync(HttpContext http, ModelCalls calls, GatewayOptions options)
    {
        var (body, problem) = await RequestBody.ReadAsync(http, options);
        var (request, invalid) = body is null ? (null, problem) : ChatRequest.Parse(body);
        var result = await calls.RunAsync("chat", Bearer(http), GatewayBoundary.RequestId(http), request, invalid,
            new HttpCallOutput(http.Response), http.RequestAborted);
        if (result.Error is { } error) await OpenAiResponses.WriteErrorAsync(http, error);
    }

    private static async Task ListModelsAsync(HttpContext http, ModelCalls calls, TimeProvider clock)
    {
        var (models, error) = await calls.ListModelsAsync(Bearer(http), http.RequestAborted);
        if (error is not null)
        {
            await OpenAiResponses.WriteErrorAsync(http, error);
            return;
        }
        await http.Response.WriteAsJsonAsync(OpenAiResponses.ModelList(models.Select(m => m.Name), clock.GetUtcNow().ToUnixTimeSeconds()));
    }

    /// <summary>The key from <c>Authorization: Bearer …</c>, or null.</summary>
    private static string? Bearer(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }
}
