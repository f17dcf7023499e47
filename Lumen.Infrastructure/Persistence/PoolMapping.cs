using Lumen.Domain.Access;
using Lumen.Domain.Budget;
using Lumen.Domain.Config;

namespace Lumen.Infrastructure.Persistence;

/// <summary>Rows to domain settings and back.</summary>
public static class PoolMapping
{
    public static BudgetSettings Budget(CoinPoolRow pool) => new(
        Coins.FromMicros(pool.MaxMicros), Coins.FromMicros(pool.RefreshMicrosPerHour), Coins.FromMicros(pool.StartingMicros));

    public static AppliedSettings Applied(ClientRow client, CoinPoolRow pool) => new(
        Enum.TryParse<EntrySource>(client.SettingsSource, out var source) ? source : EntrySource.NoEntry,
        Budget(pool),
        Access(client));

    /// <summary>The model access last applied to the client.</summary>
    public static ModelAccessRule Access(ClientRow client) => new(
        Enum.TryParse<AccessMode>(client.AccessDefault, out var mode) ? mode : AccessMode.Blacklist,
        client.Blacklist, client.Whitelist, client.Graylist);

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
