using System.Security.Claims;
using Lumen.Domain.People;
using Lumen.Infrastructure.UseCases;

namespace Lumen.Portal.Auth;

/// <summary>Who is signed in, as the use cases know people: by e-mail address (§6).</summary>
public static class PortalUser
{
    /// <summary>Claims that carry an e-mail address, most specific first (OIDC, WS-Fed style, Entra ID's user name).</summary>
    private static readonly string[] EmailClaims = ["email", ClaimTypes.Email, "preferred_username", ClaimTypes.Upn, "upn"];

    public static string? EmailOf(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true) return null;
        foreach (var type in EmailClaims)
        {
            var value = user.FindFirst(type)?.Value;
            if (EmailAddress.IsValid(value)) return value!.Trim();
        }
        return null;
    }

    /// <summary>The signed-in person as an <see cref="Actor"/>, or null for anonymous users and users without an e-mail.</summary>
    public static Actor? ActorOf(ClaimsPrincipal? user) => EmailOf(user) is { } email ? new Actor(email) : null;

    /// <summary>The actor of an endpoint's request: one with no e-mail is nobody the use cases know, so nothing is allowed.</summary>
    public static Actor ActorOrNobody(ClaimsPrincipal? user) => ActorOf(user) ?? new Actor("");
}
