using System.Text.Json;
using System.Text.Json.Serialization;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Changes;

/// <summary>
/// The database path of the change feed between processes (§18, without Redis): each published batch is one row,
/// read by every other instance within a few seconds and deleted after <see cref="KeptFor"/>. It tells views to
/// refresh; it is not a record of what happened (the audit trail is).
/// </summary>
internal static class ChangeJournal
{
    public static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(10);

    public static async Task AppendAsync(LumenDatabase contexts, string instance, IReadOnlyList<Change> changes)
    {
        await using var db = await contexts.CreateDbContextAsync();
        db.ChangeJournal.Add(new ChangeJournalRow
        {
            AtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Instance = instance,
            Changes = JsonSerializer.Serialize(changes.Select(c => new Entry(c.Client, c.Kind, c.Summary, c.Concerns)).ToList(), Json),
        });
        await db.SaveChangesAsync();
    }

    public static IReadOnlyList<Change> Read(ChangeJournalRow row) =>
        (JsonSerializer.Deserialize<List<Entry>>(row.Changes, Json) ?? []).Select(e => new Change(e.Client, e.Kind, e.Summary) { Concerns = e.Concerns }).ToList();

    // Kinds by name: a row written by an older or newer instance (a rolling upgrade) still reads the same.
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter<ChangeKind>() } };

    private sealed record Entry(string? Client, ChangeKind Kind, string Summary, string? Concerns);
}
