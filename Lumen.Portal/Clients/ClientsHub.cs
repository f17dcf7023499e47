using Lumen.Portal.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Lumen.Portal.Clients;

/// <summary>
/// <c>/hubs/clients</c>: the dashboard's change events for listeners outside Blazor (§7), authorised like
/// <c>/clients</c>. Clients only listen; <see cref="ClientsHubBroadcaster"/> sends each person the changes of the
/// clients they may see, as <c>clientsChanged</c> with a list of <see cref="ClientChangeMessage"/>.
/// </summary>
[Authorize(Policy = PortalPolicies.ClientsArea)]
public sealed class ClientsHub : Hub
{
    public const string Path = "/hubs/clients";
    public const string ChangedMethod = "clientsChanged";
}

/// <summary>What the hub sends for one changed client.</summary>
public sealed record ClientChangeMessage(string Client, string Kind, string Summary);

/// <summary>SignalR addresses people by their normalised e-mail, the same key the permission checks use.</summary>
public sealed class EmailUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) =>
        PortalUser.EmailOf(connection.User) is { } email ? Lumen.Infrastructure.Common.Actor.Normalize(email) : null;
}

public static class ClientsHubSetup
{
    public static IServiceCollection AddClientsHub(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddSingleton<IUserIdProvider, EmailUserIdProvider>();
        services.AddHostedService<ClientsHubBroadcaster>();
        return services;
    }

    public static IEndpointRouteBuilder MapClientsHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<ClientsHub>(ClientsHub.Path);
        return app;
    }
}
