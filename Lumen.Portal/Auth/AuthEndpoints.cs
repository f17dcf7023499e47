using System.Security.Claims;
using Lumen.Domain.People;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;

namespace Lumen.Portal.Auth;

/// <summary>Sign-in and sign-out (Microsoft.Identity.Web.UI is not available here, so these are ours).</summary>
public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        app.MapGet(AuthSetup.SignInPath, (HttpContext http, SignInMode mode, string? returnUrl) =>
        {
            var target = LocalOnly(returnUrl);
            if (!mode.IsRemote) return Results.Redirect($"{AuthSetup.DevSignInPath}?returnUrl={Uri.EscapeDataString(target)}");
            return Results.Challenge(new AuthenticationProperties { RedirectUri = target });
        });

        // Antiforgery is validated for every form-bound minimal API endpoint.
        app.MapPost(AuthSetup.SignOutPath, (SignInMode mode, [FromForm] string? returnUrl) =>
        {
            var properties = new AuthenticationProperties { RedirectUri = LocalOnly(returnUrl) };
            return mode.IsRemote
                ? Results.SignOut(properties, [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme])
                : Results.SignOut(properties, [CookieAuthenticationDefaults.AuthenticationScheme]);
        });

        app.MapPost(AuthSetup.DevSignInPath, async (HttpContext http, SignInMode mode, [FromForm] string? email, [FromForm] string? returnUrl) =>
        {
            if (mode.IsRemote) return Results.NotFound();
            var target = LocalOnly(returnUrl);
            // The form shows the very message adding this address as a manager would give.
            if (!EmailAddress.IsValid(email))
                return Results.Redirect($"{AuthSetup.DevSignInPath}?returnUrl={Uri.EscapeDataString(target)}&error=email"
                    + (string.IsNullOrEmpty(email) ? "" : $"&email={Uri.EscapeDataString(email)}"));
            var address = email!.Trim();
            var identity = new ClaimsIdentity(
                [new Claim("email", address), new Claim(ClaimTypes.Name, address)],
                CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            return Results.Redirect(target);
        });
        return app;
    }

    /// <summary>
    /// Only paths of this site, so a crafted link cannot send someone elsewhere after signing in or out: one leading
    /// slash, then no second slash, and no backslash or control character anywhere (browsers drop a tab or newline
    /// and read a backslash as a slash, so "/\t/evil.example" would land on another host). Anything else is "/".
    /// </summary>
    public static string LocalOnly(string? returnUrl) =>
        returnUrl is ['/', ..] && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.Contains('\\', StringComparison.Ordinal) && !returnUrl.Any(char.IsControl)
            ? returnUrl
            : "/";
}
