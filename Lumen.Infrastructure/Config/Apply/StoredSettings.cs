using Lumen.Domain.Config;
using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.Config.Apply;

/// <summary>
/// The validation step of an apply: the config arrives valid (<see cref="LumenConfig"/>), so what is left to check is
/// whether a client's stored columns read back as settings. One answer for a client read alone and for a stored group.
/// </summary>
internal static class StoredSettings
{
    /// <summary>The settings <paramref name="client"/>'s columns mean, or null and why they cannot be read.</summary>
    public static AppliedSettings? Read(ClientRow client, out string? unreadable)
    {
        try
        {
            unreadable = null;
            return PoolMapping.Applied(client, client.Pool);
        }
        catch (InvalidDataException e)
        {
            unreadable = e.Message;
            return null;
        }
    }
}
