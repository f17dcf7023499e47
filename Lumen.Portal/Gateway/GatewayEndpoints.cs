using Lumen.Infrastructure.Gateway;

namespace Lumen.Portal.Gateway;

/// <summary>The OpenAI-compatible API (§10) under <c>/v1</c>. Authenticated by API key only, never by the portal's cookie.</summary>
public static class GatewayEndpoints
{
    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration)
    {
        var timeout = TimeSpan.FromSeconds(configuration.GetValue("Gateway:UpstreamTimeoutSeconds", 300));
        services.AddSingleton(_ => new UpstreamClients(timeout));
        services.AddSingleton<CallGate>();
        services.AddSingleton<Lumen.Infrastructure.Events.UsageSignals>();
        services.AddSingleton<ChatCompletions>();
        return services;
    }

    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder app)
    {
        // API keys only: never the portal's sign-in (no cookie, no antiforgery, no redirect to a login page).
        var v1 = app.MapGroup("/v1").DisableAntiforgery().AllowAnonymous();
        v1.MapGet("/models", ListModelsAsync);
        v1.MapPost("/chat/completions", (HttpContext http, ChatCompletions chat) => chat.HandleAsync(http));
        return app;
    }

    /// <summary>The key from <c>Authorization: Bearer …</c>, or null.</summary>
    internal static string? Bearer(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    private static async Task ListModelsAsync(HttpContext http, CallGate gate, TimeProvider clock)
    {
        var (caller, error) = await gate.IdentifyAsync(Bearer(http), http.RequestAborted);
        if (error is not null)
        {
            await OpenAiResponses.WriteErrorAsync(http.Response, error);
            return;
        }
        var models = await gate.UsableModelsAsync(caller!, http.RequestAborted);
        await http.Response.WriteAsJsonAsync(OpenAiResponses.ModelList(models.Select(m => m.Name), clock.GetUtcNow().ToUnixTimeSeconds()));
    }
}
