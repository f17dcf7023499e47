using System.Text.Json.Nodes;
using Lumen.Domain.Access;
using Lumen.Domain.Budget;
using Lumen.Infrastructure.Gateway;

namespace Lumen.Portal.Gateway;

/// <summary>
/// <c>GET /v1/me</c> as JSON: coins as exact decimals (6 places), times as ISO 8601 UTC, and <c>null</c> for "never".
/// </summary>
internal static class MeResponse
{
    public static JsonObject From(CallerStatus me)
    {
        var pool = me.Pool;
        var budget = pool.Budget;
        return new JsonObject
        {
            ["object"] = "lumen.client",
            ["client"] = me.Client,
            ["as_of"] = Time(me.AsOf),
            ["budget"] = new JsonObject
            {
                ["balance"] = budget.Kind == BudgetKind.Unlimited ? null : pool.Balance.Value,
                ["max"] = budget.Max.Value,
                ["refresh_per_hour"] = budget.RefreshPerHour.Value,
                ["unlimited"] = budget.Kind == BudgetKind.Unlimited,
                ["blocked"] = budget.Kind == BudgetKind.Blocked,
                ["full_at"] = pool.FullAt is { } full ? Time(full) : null,
                ["usable_at"] = me.UsableAt is { } usable ? Time(usable) : null,
            },
            ["usage"] = new JsonObject
            {
                ["requests"] = pool.Requests,
                ["input_tokens"] = pool.InputTokens,
                ["output_tokens"] = pool.OutputTokens,
                ["coins_spent"] = pool.CoinsSpent.Value,
            },
            ["models"] = new JsonArray([.. me.Models.Select(m => (JsonNode)new JsonObject { ["id"] = m.Model, ["status"] = Word(m.Status) })]),
            ["key"] = new JsonObject
            {
                ["hint"] = me.KeyHint,
                ["created_at"] = Time(me.KeyCreatedAt),
                ["last_used_at"] = me.KeyLastUsedAt is { } used ? Time(used) : null,
                ["expires_at"] = me.KeyExpiresAt is { } expires ? Time(expires) : null,
            },
        };
    }

    private static string Word(AccessStatus status) => status switch
    {
        AccessStatus.Allowed => "allowed",
        AccessStatus.Consented => "consented",
        _ => "needs_consent",
    };

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
