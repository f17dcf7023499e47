using Lumen.Portal.Gateway;

namespace Lumen.Portal.Auth;

/// <summary>The portal's sign-in, authorization and antiforgery, on every path but the gateway's.</summary>
public static class PortalPipeline
{
    // The properties by which ASP.NET Core's own Use… calls record that they ran. WebApplication puts any of the three
    // it finds unrecorded at the very start of the pipeline, before the forwarded headers; a branch records them only
    // in its own copy of the properties.
    private static readonly string[] MiddlewareSetKeys =
        ["__AuthenticationMiddlewareSet", "__AuthorizationMiddlewareSet", "__AntiforgeryMiddlewareSet"];

    /// <summary>
    /// <c>/v1</c> takes API keys only (§15): the portal's cookies, policies and form tokens never apply there, so a
    /// model call does not pay for them.
    /// </summary>
    public static WebApplication UsePortalSignIn(this WebApplication app)
    {
        app.UseWhen(http => !GatewayBoundary.IsGateway(http.Request), portal =>
        {
            portal.UseAuthentication();
            portal.UseAuthorization();
            portal.UseAntiforgery();
            portal.UseAntiforgeryRefusal();
        });
        // Without this the sign-in redirect behind a known proxy named the internal host
        // (SeveralInstancesTests.Forwarded_headers_are_honoured_only_from_a_known_proxy).
        IApplicationBuilder builder = app;
        foreach (var key in MiddlewareSetKeys) builder.Properties[key] = true;
        return app;
    }
}
