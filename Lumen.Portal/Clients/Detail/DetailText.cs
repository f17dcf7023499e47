using Lumen.Domain.Access;
using Lumen.Domain.Budget;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Clients;

namespace Lumen.Portal.Clients.Detail;

/// <summary>One of the budget's three settings, for saying where its value came from.</summary>
public enum BudgetField { Max, Refresh, Starting }

/// <summary>The words of the client detail page: where each setting came from (§2.1), access statuses, times.</summary>
public static class DetailText
{
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

    public static string Coins(Coins value) => $"{Format.Coins(value)} coins";

    /// <summary>The cap in words: -2 is unlimited and 0 blocked (§4).</summary>
    public static string Max(BudgetSettings budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return budget.Kind switch
        {
            BudgetKind.Unlimited => "unlimited (-2)",
            BudgetKind.Blocked => "0 (blocked: every model call is refused)",
            _ => Coins(budget.Max),
        };
    }

    /// <summary>The balance now; an unlimited pool's stored balance still falls with charges but means nothing.</summary>
    public static string Balance(BudgetSettings budget, Coins balance)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return budget.Kind switch
        {
            BudgetKind.Unlimited => "unlimited (no balance is enforced)",
            BudgetKind.Blocked => "blocked",
            _ => balance > Lumen.Domain.Budget.Coins.Zero
                ? Coins(balance)
                : $"{Coins(balance)} (calls are refused until refill brings it above 0)",
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

    public static string Time(DateTimeOffset at) => Format.Time(at.UtcDateTime);

    /// <summary>A database time (stored as UTC, read back without a kind).</summary>
    public static string Time(DateTime utc) => Format.Time(utc);

    /// <summary>A short duration: "45 min", "3 h 20 min", "2 d 4 h".</summary>
    public static string Span(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(1)) return "less than a minute";
        if (span < TimeSpan.FromHours(1)) return $"{(int)span.TotalMinutes} min";
        if (span < TimeSpan.FromDays(1)) return span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min";
        return span.Hours == 0 ? $"{(int)span.TotalDays} d" : $"{(int)span.TotalDays} d {span.Hours} h";
    }

    public static string Status(AccessStatus status) => status switch
    {
        AccessStatus.Allowed => "Allowed",
        AccessStatus.Denied => "Denied",
        AccessStatus.NeedsConsent => "Needs consent",
        AccessStatus.Consented => "Consented",
        _ => "Unavailable",
    };
}
