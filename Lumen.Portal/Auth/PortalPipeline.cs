namespace Lumen.Portal.Auth;

/// <summary>The portal's sign-in, authorization and antiforgery.</summary>
public static class PortalPipeline
{
    /// <summary>
    /// In the framework's own order, on the app itself: WebApplication then adds none of its own at the very start of
    /// the pipeline (where they would run before the forwarded headers). <c>/v1</c> never reaches them: its endpoints
    /// are short-circuit endpoints, run by routing before this (§15: API keys only; <c>GatewayEndpoints</c>).
    /// </summary>
    public static WebApplication UsePortalSignIn(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseAntiforgeryRefusal();
        return app;
    }
}
