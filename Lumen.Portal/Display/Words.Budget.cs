using Lumen.Domain.Budget;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Clients;

namespace Lumen.Portal.Display;

/// <summary>One of the budget's three settings, for saying where its value came from.</summary>
public enum BudgetField { Max, Refresh, Starting }

public static partial class Words
{
    /// <summary>The cap as configured, with what it means: "unlimited (-2)", "blocked (0)" or "100 coins" (§4).</summary>
    public static string Max(BudgetSettings budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return budget.Kind switch
        {
            BudgetKind.Unlimited => "unlimited (-2)",
            BudgetKind.Blocked => "blocked (0)",
            _ => InCoins(Setting(budget.Max)),
        };
    }

    /// <summary>The refill as configured: "0.05 coins per hour".</summary>
    public static string Refresh(BudgetSettings budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return $"{InCoins(Setting(budget.RefreshPerHour))} per hour";
    }

    /// <summary>The starting balance as configured: "100 coins".</summary>
    public static string Starting(BudgetSettings budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return InCoins(Setting(budget.Starting));
    }

    /// <summary><see cref="Max(BudgetSettings)"/> of an entry, marked when the entry leaves it out (§2.1: omitted means blocked).</summary>
    public static string Max(ClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Sourced(Max(settings.Budget), settings.MaxSource);
    }

    /// <summary><see cref="Refresh(BudgetSettings)"/> of an entry, marked when the entry leaves it out.</summary>
    public static string Refresh(ClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Sourced(Refresh(settings.Budget), settings.RefreshSource);
    }

    /// <summary><see cref="Starting(BudgetSettings)"/> of an entry, marked when the entry leaves it out.</summary>
    public static string Starting(ClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Sourced(Starting(settings.Budget), settings.StartingSource);
    }

    /// <summary>The balance now, an amount; an unlimited pool's stored balance still falls with charges but means nothing.</summary>
    public static string Balance(BudgetSettings budget, Coins balance)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return budget.Kind switch
        {
            BudgetKind.Unlimited => "unlimited (no balance is enforced)",
            BudgetKind.Blocked => "blocked",
            _ => balance > Coins.Zero
                ? InCoins(Amount(balance))
                : $"{InCoins(Amount(balance))} (calls are refused until refill brings it above 0)",
        };
    }

    /// <summary>When the pool is full again: now, at a time, never by refill, or not applicable.</summary>
    public static string FullAgain(BudgetSettings budget, DateTimeOffset? fullAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(budget);
        if (budget.Kind == BudgetKind.Unlimited) return "does not apply (unlimited)";
        if (budget.Kind == BudgetKind.Blocked) return "does not apply (blocked)";
        if (fullAt is not { } at) return budget.RefreshPerHour.Value == 0 ? "never by refill (refresh is 0)" : "not within a century";
        if (at <= now) return "full now";
        return $"{Time(at)} (in {Span(at - now)})";
    }

    /// <summary>The entry a client's settings come from, as the config file names it.</summary>
    public static string Entry(EntrySource source, string client) => source switch
    {
        EntrySource.NamedEntry => $"named entry clients.{client}",
        EntrySource.DefaultEntry => "clients.default (no named entry)",
        _ => "no named entry and no clients.default",
    };

    /// <summary>Where a budget value came from, and what an omitted one means (§2.1: no partial inheritance).</summary>
    public static string Source(ClientDetails details, BudgetField field)
    {
        ArgumentNullException.ThrowIfNull(details);
        var effect = field == BudgetField.Max ? "0, blocked" : "0";
        return Source(details, FieldOf(details.Resolved, field), effect);
    }

    /// <summary>Where the model access came from; an omitted <c>model_access</c> denies every model.</summary>
    public static string AccessSource(ClientDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        return Source(details, details.Resolved?.AccessSource, "every model denied");
    }

    private static string Source(ClientDetails details, FieldSource? field, string omittedEffect)
    {
        var entry = Entry(details.Applied.Source, details.Name);
        if (details.Applied.Source == EntrySource.NoEntry) return $"{entry} → {omittedEffect}";
        // Between a reload putting a config in force and applying it, the field sources of the new file do not
        // describe the values shown; the entry is still right.
        if (!details.ResolvedIsApplied || field is null) return entry;
        return field == FieldSource.Omitted ? $"omitted from {entry} → {omittedEffect}" : entry;
    }

    private static FieldSource? FieldOf(ClientSettings? settings, BudgetField field) => settings is null ? null : field switch
    {
        BudgetField.Max => settings.MaxSource,
        BudgetField.Refresh => settings.RefreshSource,
        _ => settings.StartingSource,
    };

    /// <summary>A value of an entry on the config page; an omitted one says so, as the detail page's "omitted from … → 0" does.</summary>
    private static string Sourced(string text, FieldSource source) =>
        source == FieldSource.Omitted ? $"omitted → {text}" : text;
}
