using System.Text.Json;
using Lumen.Domain.Config;
using Lumen.Domain.People;

namespace Lumen.Infrastructure.Audit;

/// <summary>
/// What of a config the audit trail compares between applies besides the clients: its admins and each model's price
/// (and whether it is active). Stored as JSON in <see cref="AuditConfigRow"/>.
/// </summary>
internal sealed record ConfigFingerprint(SortedSet<string> Admins, SortedDictionary<string, string> Models, int? KeysMaxDays = null)
{
    public static readonly ConfigFingerprint None = new([], []);

    public static ConfigFingerprint Of(LumenConfig config) => new(
        new SortedSet<string>(config.Admins.Select(EmailAddress.Normalize), StringComparer.Ordinal),
        new SortedDictionary<string, string>(config.Models.All.ToDictionary(
            m => m.Name,
            m => $"in {m.Price.InputPerMillion}, out {m.Price.OutputPerMillion}{(m.Active ? "" : ", inactive")}"), StringComparer.Ordinal),
        config.Keys.MaxDays);

    public string ToJson() => JsonSerializer.Serialize(new Stored([.. Admins], new Dictionary<string, string>(Models), KeysMaxDays));

    /// <summary>Reads what <see cref="ToJson"/> wrote; empty text (no apply yet) is <see cref="None"/>.</summary>
    public static ConfigFingerprint FromJson(string json)
    {
        if (json.Length == 0) return None;
        var stored = JsonSerializer.Deserialize<Stored>(json)
            ?? throw new InvalidDataException("The stored config fingerprint is empty JSON.");
        return new(new SortedSet<string>(stored.Admins, StringComparer.Ordinal),
            new SortedDictionary<string, string>(stored.Models, StringComparer.Ordinal), stored.KeysMaxDays);
    }

    /// <summary>What changed from <paramref name="before"/> to this, one line each: <c>admin added x@y</c>, <c>model m repriced: in 1, out 2 → in 1, out 3</c>.</summary>
    public IReadOnlyList<string> ChangesFrom(ConfigFingerprint before)
    {
        var lines = new List<string>();
        lines.AddRange(Admins.Except(before.Admins).Select(a => $"admin added {a}"));
        lines.AddRange(before.Admins.Except(Admins).Select(a => $"admin removed {a}"));
        foreach (var (name, price) in Models)
        {
            if (!before.Models.TryGetValue(name, out var old)) lines.Add($"model added {name} ({price})");
            else if (old != price) lines.Add($"model {name} repriced: {old} → {price}");
        }
        lines.AddRange(before.Models.Keys.Except(Models.Keys).Select(m => $"model removed {m}"));
        if (KeysMaxDays != before.KeysMaxDays) lines.Add($"keys max_days {Days(before.KeysMaxDays)} → {Days(KeysMaxDays)}");
        return lines;
    }

    private static string Days(int? days) => days?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";

    // KeysMaxDays is absent from what was stored before §22: read as none.
    private sealed record Stored(List<string> Admins, Dictionary<string, string> Models, int? KeysMaxDays = null);
}
