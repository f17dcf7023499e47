using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Lumen.Seeding;

public static partial class BulkClientSeeder
{
    private static readonly string[] ClientActions =
        ["client.activated", "client.deactivated", "manager.added", "manager.removed", "key.created", "key.revoked",
         "consent.recorded", "consent.withdrawn"];

    /// <summary>
    /// Adds <paramref name="entries"/> audit entries to a database seeded by <see cref="SeedSqliteAsync"/> with
    /// <paramref name="clients"/> clients, oldest first over the last year: client actions by <paramref name="actors"/>
    /// (each linked to one client, skewed so a few clients have long histories), and every
    /// <paramref name="applyEvery"/>th a config apply linked to <paramref name="applyClients"/> consecutive clients.
    /// Returns the number of links written.
    /// </summary>
    public static async Task<long> SeedAuditSqliteAsync(string dbPath, int clients, int entries, IReadOnlyList<string> actors,
        int applyEvery = 10_000, int applyClients = 1_000, CancellationToken ct = default)
    {
        await using var connection = new SqliteConnection($"Data Source={dbPath}");
        await connection.OpenAsync(ct);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=OFF;";
            await pragma.ExecuteNonQueryAsync(ct);
        }
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var entry = Prepare(connection, tx,
            "INSERT INTO audit_entries (Id, At, Actor, Action, Summary, Detail, Client, ClientCount, ContentHash) " +
            "VALUES ($id, $at, $actor, $action, $summary, NULL, $client, $count, NULL)",
            "$id", "$at", "$actor", "$action", "$summary", "$client", "$count");
        await using var link = Prepare(connection, tx,
            "INSERT INTO audit_clients (ClientId, EntryId, Change) VALUES ($client, $entry, $change)", "$client", "$entry", "$change");
        await using var name = Prepare(connection, tx, "SELECT Name FROM clients WHERE Id = $id", "$id");
        var random = new Random(20261201);
        var start = DateTime.UtcNow.AddDays(-365);
        var step = TimeSpan.FromDays(365).Ticks / Math.Max(1, entries);
        long links = 0;
        for (var id = 1; id <= entries; id++)
        {
            var at = Timestamp(start.AddTicks(step * id));
            if (id % applyEvery == 0)
            {
                var summary = string.Create(CultureInfo.InvariantCulture, $"{applyClients} clients changed: max 100 → 90");
                await Run(entry, ct, id, at, "config", "config.applied", summary, DBNull.Value, applyClients);
                var first = random.Next(1, Math.Max(2, clients - applyClients));
                for (var c = first; c < first + applyClients && c <= clients; c++, links++)
                    await Run(link, ct, c, id, "max 100 → 90");
                continue;
            }
            var clientId = Math.Min(clients, 1 + (int)(clients * Math.Pow(random.NextDouble(), 2)));
            name.Parameters[0].Value = clientId;
            var clientName = (string)(await name.ExecuteScalarAsync(ct))!;
            var action = ClientActions[random.Next(ClientActions.Length)];
            await Run(entry, ct, id, at, actors[random.Next(actors.Count)], action, $"{action} on {clientName}", clientName, 1);
            await Run(link, ct, clientId, id, DBNull.Value);
            links++;
        }
        await tx.CommitAsync(ct);
        return links;
    }
}
