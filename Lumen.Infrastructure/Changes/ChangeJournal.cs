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

    /// <summary>Journals a batch; returns its row id, which also names the batch on the Redis path (exactly once).</summary>
    public static async Task<long> AppendAsync(LumenDatabase contexts, string instance, IReadOnlyList<Change> changes)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var row = new ChangeJournalRow
        {
            AtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Instance = instance,
            Changes = Write(changes),
        };
        db.ChangeJournal.Add(row);
        using (await db.Dialect.WriteTurnAsync(db)) await db.SaveChangesAsync();
        return row.Id;
    }

    public static IReadOnlyList<Change> Read(ChangeJournalRow row) => Read(row.Changes);

    /// <summary>A batch as text: the journal row's column, and the body of a Redis message.</summary>
    public static string Write(IReadOnlyList<Change> changes) =>
        JsonSerializer.Serialize(changes.Select(c => new Entry(c.Client, c.Kind, c.Summary, c.Concerns)).ToList(), Json);

    public static IReadOnlyList<Change> Read(string changes) =>
        (JsonSerializer.Deserialize<List<Entry>>(changes, Json) ?? []).Select(e => new Change(e.Client, e.Kind, e.Summary) { Concerns = e.Concerns }).ToList();

    // Kinds by name: a row written by an older or newer instance (a rolling upgrade) still reads the same.
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter<ChangeKind>() } };

    private sealed record Entry(string? Client, ChangeKind Kind, string Summary, string? Concerns);
}
