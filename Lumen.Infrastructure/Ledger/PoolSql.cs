using System.Globalization;
using Lumen.Domain.Budget;
using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.Ledger;

/// <summary>
/// The statements that move coins, as SQL text built once per provider from the EF model (table and column names,
/// identifier quoting). §4's refill is the same integer arithmetic as <see cref="BudgetSettings.Refill"/> and
/// <see cref="RefillMath"/> (a test holds the two together), written into single UPDATE statements, where every SET
/// sees the row's values from before the update: a charge or a clamp is atomic under any concurrency, on every
/// provider, with no lock in the process. Plain text and named parameters (<c>@name</c>, which SQLite, Npgsql and
/// SqlClient all take) rather than LINQ, so the hot path pays no expression-tree work per call.
/// </summary>
internal sealed class PoolSql
{
    private const long H = RefillMath.MsPerHour;
    private const long Unlimited = -2_000_000; // max of -2 coins, in micro-coins

    /// <summary>
    /// Charges one call: refill to <c>@now</c>, subtract <c>@cost</c>. It writes no indexed column, so PostgreSQL can
    /// update the row in place (a HOT update: no new index entries) however often one client is charged.
    /// Parameters: <c>@now</c> (Unix ms), <c>@cost</c> (micro-coins), <c>@client</c>.
    /// </summary>
    public string Charge { get; }

    /// <summary>
    /// A client's last charge of a batch: <see cref="Charge"/>, and all of the batch's charged calls of the client added
    /// to its counters (sums commute, so adding them once is exact). Parameters: <c>@now</c>, <c>@cost</c>,
    /// <c>@calls</c>, <c>@input</c>, <c>@output</c>, <c>@coins</c>, <c>@client</c>.
    /// </summary>
    public string ChargeAndCount { get; }

    /// <summary>The upserts of usage over time (§16).</summary>
    public UsageHourSql Usage { get; }

    /// <summary>
    /// A new budget (§4) for many pools at once: each refilled under its old settings up to <c>@now</c>, then clamped
    /// to the new cap unless it is unlimited. Parameters: <c>@now</c>, <c>@max</c>, <c>@refresh</c>, <c>@starting</c>,
    /// and whatever <paramref name="clientIds"/> (a subquery of client ids) takes.
    /// </summary>
    public string ApplyBudget(bool unlimited, string clientIds) =>
        $"{(unlimited ? _applyUnlimited : _applyCapped)} WHERE {_clientId} IN ({clientIds})";

    private readonly string _clientId;
    private readonly string _applyUnlimited;
    private readonly string _applyCapped;

    public static PoolSql For(LumenDbContext db) => db.Dialect.Statements(db, static db => new PoolSql(db));

    private PoolSql(LumenDbContext db)
    {
        var pools = new StoreTable(db, typeof(CoinPoolRow));

        var balance = pools[nameof(CoinPoolRow.BalanceMicros)];
        var asOf = pools[nameof(CoinPoolRow.BalanceAsOfMs)];
        var max = pools[nameof(CoinPoolRow.MaxMicros)];
        var refresh = pools[nameof(CoinPoolRow.RefreshMicrosPerHour)];
        // Milliseconds since the as-of time (none if the clock is behind), then the whole micro-coins earned in them,
        // split by whole hours so nothing overflows.
        var elapsed = $"(CASE WHEN @now > {asOf} THEN @now - {asOf} ELSE 0 END)";
        var accrual = $"({refresh} * ({elapsed} / {H}) + {refresh} * ({elapsed} % {H}) / {H})";
        var noRefill = $"{max} = {Unlimited} OR {refresh} = 0";
        var refilled = $"(CASE WHEN {noRefill} THEN {balance} WHEN {balance} + {accrual} >= {max} THEN {max} ELSE {balance} + {accrual} END)";
        // Now when nothing is left to earn, else advanced by the time the credited coins took.
        var refilledAsOf = $"(CASE WHEN {noRefill} OR {balance} + {accrual} >= {max} THEN @now " +
            $"ELSE {asOf} + {accrual} / {refresh} * {H} + {accrual} % {refresh} * {H} / {refresh} END)";

        string Add(string property, string amount) => $"{pools[property]} = {pools[property]} + {amount}";
        var client = pools[nameof(CoinPoolRow.ClientId)];
        var charge = $"UPDATE {pools.Name} SET {balance} = {refilled} - @cost, {asOf} = {refilledAsOf}";
        Charge = $"{charge} WHERE {client} = @client";
        ChargeAndCount = $"{charge}, {Add(nameof(CoinPoolRow.Requests), "@calls")}, {Add(nameof(CoinPoolRow.InputTokens), "@input")}, " +
            $"{Add(nameof(CoinPoolRow.OutputTokens), "@output")}, {Add(nameof(CoinPoolRow.CoinsSpentMicros), "@coins")} WHERE {client} = @client";
        Usage = new UsageHourSql(db, pools);

        var budget = $"{max} = @max, {refresh} = @refresh, {pools[nameof(CoinPoolRow.StartingMicros)]} = @starting";
        _clientId = client;
        _applyUnlimited = $"UPDATE {pools.Name} SET {balance} = {refilled}, {asOf} = {refilledAsOf}, {budget}";
        _applyCapped = $"UPDATE {pools.Name} SET {balance} = CASE WHEN {refilled} <= @max THEN {refilled} ELSE @max END, " +
            $"{asOf} = {refilledAsOf}, {budget}";
    }
}
