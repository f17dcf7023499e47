namespace Lumen.Domain.Clients;

/// <summary>What someone may do to a client (§6).</summary>
public enum ClientAction { View, Create, SetActive, ManageManagers, ManageKeys, ManageConsent }

/// <summary>The permission table of §6: admins do everything, a client's managers view it and handle its keys and consent.</summary>
public static class ClientPermissions
{
    public static bool Allows(ClientAction action, bool isAdmin, bool isManagerOfClient) => action switch
    {
        ClientAction.View or ClientAction.ManageKeys or ClientAction.ManageConsent => isAdmin || isManagerOfClient,
        _ => isAdmin,
    };
}
