using System.Linq.Expressions;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.Config.Apply;

/// <summary>
/// One kind of stored settings, as <see cref="PoolMapping.SetAccess"/> and the pool columns hold them, shared by
/// any number of clients without a named entry.
/// </summary>
internal sealed class StoredGroup(ClientRow key)
{
    public ClientRow Key { get; } = key;

    /// <summary>The settings these columns mean, or null when they do not read back (then each client is read on its own).</summary>
    public AppliedSettings? Settings { get; } = StoredSettings.Read(key, out _);

    /// <summary>The clients that store exactly these columns, as the database compares them.</summary>
    public Expression<Func<ClientRow, bool>> Members()
    {
        var k = Key;
        return c => c.SettingsSource == k.SettingsSource && c.AccessDefault == k.AccessDefault
            && c.Blacklist == k.Blacklist && c.Whitelist == k.Whitelist && c.Graylist == k.Graylist
            && c.Pool.MaxMicros == k.Pool.MaxMicros && c.Pool.RefreshMicrosPerHour == k.Pool.RefreshMicrosPerHour
            && c.Pool.StartingMicros == k.Pool.StartingMicros;
    }
}
