using Lumen.Infrastructure.Clients;
using Microsoft.AspNetCore.Authorization;

namespace Lumen.Portal.Auth;

/// <summary>
/// The portal's roles (§6), evaluated on every check rather than stored in the cookie: admins come from the config in
/// force, managers from the database, so a change of role counts on the person's next page or action.
/// </summary>
public static class PortalPolicies
{
    /// <summary>Admins and managers of at least one client: the Clients nav link, <c>/clients</c> and the hub.</summary>
    public const string ClientsArea = "ClientsArea";

    /// <summary>Admins only: config status, creating clients.</summary>
    public const string Admin = "Admin";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(ClientsArea, p => p.RequireAuthenticatedUser().AddRequirements(new PortalRoleRequirement(AdminOnly: false)));
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().AddRequirements(new PortalRoleRequirement(AdminOnly: true)));
    }
}

public sealed record PortalRoleRequirement(bool AdminOnly) : IAuthorizationRequirement;

public sealed class PortalRoleHandler(ClientAccess access, ClientDirectory directory) : AuthorizationHandler<PortalRoleRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PortalRoleRequirement requirement)
    {
        if (PortalUser.ActorOf(context.User) is not { } actor) return;
        var allowed = requirement.AdminOnly ? access.IsAdmin(actor) : await directory.CanSeeClientsAsync(actor);
        if (allowed) context.Succeed(requirement);
    }
}
