namespace Lumen.Portal.Display;

/// <summary>
/// How the portal writes numbers, coins, times and settings: one place, so the clients table, the summary cards, the
/// detail page and the config page say the same thing the same way. Invariant culture, grouped digits, UTC.
/// </summary>
/// <remarks>
/// Two kinds of coin values read differently, on purpose:
/// <list type="bullet">
/// <item><b>Amounts</b> (a balance, coins spent, a total; <see cref="Amount"/>) are worked out by the portal. They
/// have one precision, two decimals (<c>1,234.50</c>), so a column of them lines up; a non-zero amount that would
/// round to 0.00 reads <c>&lt; 0.01</c> (or <c>&gt; -0.01</c>), so a small spend or a small debt never reads as
/// nothing.</item>
/// <item><b>Settings</b> (max, refresh, starting, model prices; <see cref="Setting"/>) echo the config file: they
/// are what an admin compares with the YAML, so they are written exactly as configured, to the coins' six decimals
/// and without trailing zeros (<c>0.05</c>, <c>100</c>), never rounded.</item>
/// </list>
/// </remarks>
public static partial class Words;
