using Lumen.Domain.Access;
using Lumen.Domain.Budget;
using Lumen.Domain.Config;

namespace Lumen.Infrastructure.Persistence;

/// <summary>Rows to domain settings and back. A stored value that does not read back is an error, never a default.</summary>
internal static class PoolMapping
{
    public static BudgetSettings Budget(CoinPoolRow pool) => new(
        Coins.FromMicros(pool.MaxMicros), Coins.FromMicros(pool.RefreshMicrosPerHour), Coins.FromMicros(pool.StartingMicros));

    /// <exception cref="InvalidDataException">The stored settings source or access default is not one we write.</exception>
    public static AppliedSettings Applied(ClientRow client, CoinPoolRow pool) => new(
        Stored<EntrySource>(client.Name, client.SettingsSource, "settings source"),
        Budget(pool),
        Access(client));

    /// <summary>The model access last applied to the client.</summary>
    /// <exception cref="InvalidDataException">The stored access default is not one we write.</exception>
    public static ModelAccessRule Access(ClientRow client) =>
        Access(client.Name, client.AccessDefault, client.Blacklist, client.Whitelist, client.Graylist);

    /// <summary>The model access of client <paramref name="name"/> from its stored columns.</summary>
    /// <exception cref="InvalidDataException">The stored access default is not one we write.</exception>
    public static ModelAccessRule Access(string name, string accessDefault, IEnumerable<string> blacklist, IEnumerable<string> whitelist,
        IEnumerable<string> graylist) =>
        new(Stored<AccessMode>(name, accessDefault, "access default"), blacklist, whitelist, graylist);

    /// <summary>
    /// The enum value <see cref="SetAccess"/> wrote as its name. Anything else (another spelling, a number, an empty
    /// column) was not written by us, and guessing would grant or deny calls on a guess.
    /// </summary>
    private static TEnum Stored<TEnum>(string client, string stored, string what) where TEnum : struct, Enum =>
        Enum.GetNames<TEnum>().Contains(stored, StringComparer.Ordinal)
            ? Enum.Parse<TEnum>(stored)
            : throw new InvalidDataException($"Client '{client}' has an unreadable stored {what} '{stored}'.");

    /// <summary>Writes the access half of <paramref name="settings"/> onto the client row.</summary>
    public static void SetAccess(ClientRow client, AppliedSettings settings)
    {
        client.SettingsSource = settings.Source.ToString();
        client.AccessDefault = settings.Access.Default.ToString();
        client.Blacklist = Sorted(settings.Access.Blacklist);
        client.Whitelist = Sorted(settings.Access.Whitelist);
        client.Graylist = Sorted(settings.Access.Graylist);
    }

    /// <summary>A new pool under <paramref name="budget"/>: starting balance, clamped (§4).</summary>
    public static CoinPoolRow NewPool(int clientId, string clientName, BudgetSettings budget, DateTimeOffset now) => new()
    {
        ClientId = clientId,
        ClientName = clientName,
        MaxMicros = budget.Max.Micros,
        RefreshMicrosPerHour = budget.RefreshPerHour.Micros,
        StartingMicros = budget.Starting.Micros,
        BalanceMicros = budget.InitialBalance.Micros,
        BalanceAsOfMs = now.ToUnixTimeMilliseconds(),
    };

    private static List<string> Sorted(IEnumerable<string> models) => models.Order(StringComparer.Ordinal).ToList();
}
