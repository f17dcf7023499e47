namespace Lumen.Portal.Auth;

/// <summary>The portal's sign-in, authorization and antiforgery.</summary>
public static class PortalPipeline
{
    /// <summary>
    /// In the framework's own order, on the app itself: WebApplication then adds none of its own at the very start of
    /// the pipeline (where they would run before the forwarded headers). <c>/v1</c> passes through them without paying
    /// for them: it carries no portal cookie to read, its endpoints allow anonymous callers and take no antiforgery
    /// token, so each middleware sees that from the endpoint's metadata and steps aside (§15: API keys only; the bench's
    /// CPU per call shows the cost, bench/README.md).
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
