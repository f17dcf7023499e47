using System.Text.Json.Nodes;
using Lumen.Infrastructure.Gateway;
using Lumen.Infrastructure.Gateway.Chat;
using Lumen.Infrastructure.Gateway.Completions;
using Lumen.Infrastructure.Gateway.Embeddings;
using Lumen.Infrastructure.Gateway.Responses;
using Lumen.Infrastructure.Gateway.Upstream;

namespace Lumen.Portal.Gateway;

/// <summary>
/// The OpenAI-compatible API (§10, §15) under <c>/v1</c>: HTTP only. Each endpoint reads its body, hands the call to
/// <see cref="ModelCalls"/> and maps what comes back to a status and OpenAI's error shape. Authenticated by API key
/// only, never by the portal's cookie.
/// </summary>
public static class GatewayEndpoints
{
    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton(EndpointHealthOptions.FromConfiguration(configuration))
            .AddSingleton(Lumen.Infrastructure.Gateway.Capacity.CapacityOptions.FromConfiguration(configuration))
            .AddLumenGateway(GatewayOptions.FromConfiguration(configuration)).AddSingleton<CutOffUploads>();

    /// <summary>The edge of <c>/v1</c>: request ids, and OpenAI's error shape for whatever the endpoints leave.</summary>
    public static IApplicationBuilder UseGatewayBoundary(this IApplicationBuilder app) => app.UseMiddleware<GatewayBoundary>();

    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder app)
    {
        // API keys only: never the portal's sign-in (no cookie, no antiforgery, no redirect to a login page). Short-circuit:
        // routing runs these endpoints as soon as it matches them, so the sign-in middleware after it is not even entered
        // (measured: passing through it cost about 20 us a call, bench/README.md).
        var v1 = app.MapGroup("/v1");
        v1.DisableAntiforgery().AllowAnonymous().ShortCircuit();
        v1.MapGet("/models", ListModelsAsync);
        // Model ids may hold '/', so the id is the rest of the path.
        v1.MapGet("/models/{**id}", GetModelAsync);
        v1.MapGet("/me", MeAsync);
        v1.MapPost("/chat/completions", ModelCall("chat", body => ChatRequest.From(body)));
        v1.MapPost("/embeddings", ModelCall("embeddings", body => EmbeddingsRequest.From(body)));
        v1.MapPost("/completions", ModelCall("completions", body => CompletionsRequest.From(body)));
        v1.MapPost("/responses", ModelCall("responses", body => ResponsesRequest.From(body)));
        return app;
    }

    private delegate (ModelRequest? Request, GatewayError? Problem) Parser(JsonObject body);

    /// <summary>
    /// One model-call endpoint: read the body within its bound, parse it as JSON and then as the operation's, run the
    /// call, report. A body refused after it named its model is logged with that model.
    /// </summary>
    private static RequestDelegate ModelCall(string operation, Parser parse) => async http =>
    {
        var calls = http.RequestServices.GetRequiredService<ModelCalls>();
        var (body, problem) = await RequestBody.ReadAsync(http);
        var (json, invalid) = body is null ? (null, problem) : RequestJson.Parse(body);
        var (request, wrong) = json is null ? (null, invalid) : parse(json);
        var named = request is null && body is not null ? RequestJson.NamedModel(body) : null;
        var result = await calls.RunAsync(operation, Bearer(http), GatewayBoundary.RequestId(http), new CallInput(request, wrong, named),
            new HttpCallOutput(http.Response), http.RequestAborted);
        if (result.Error is { } error) await OpenAiResponses.WriteErrorAsync(http, error, operation);
    };

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

    /// <summary>One model in the list's shape, or 404 <c>model_not_found</c> when the list would not hold it (§10).</summary>
    private static async Task GetModelAsync(HttpContext http, string id, ModelCalls calls, TimeProvider clock)
    {
        var (models, error) = await calls.ListModelsAsync(Bearer(http), http.RequestAborted);
        error ??= models.Any(m => m.Name == id) ? null : GatewayError.ModelNotFound(id);
        if (error is not null)
        {
            await OpenAiResponses.WriteErrorAsync(http, error);
            return;
        }
        await http.Response.WriteAsJsonAsync(OpenAiResponses.Model(id, clock.GetUtcNow().ToUnixTimeSeconds()));
    }

    private static async Task MeAsync(HttpContext http, CallerStatusQuery query)
    {
        var (me, error) = await query.LoadAsync(Bearer(http), http.RequestAborted);
        if (error is not null)
        {
            await OpenAiResponses.WriteErrorAsync(http, error);
            return;
        }
        await http.Response.WriteAsJsonAsync(MeResponse.From(me!));
    }

    /// <summary>The key from <c>Authorization: Bearer …</c>, or null.</summary>
    private static string? Bearer(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }
}
