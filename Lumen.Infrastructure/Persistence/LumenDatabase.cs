using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Persistence;

/// <summary>
/// The database as the rest of the program sees it: the host migrates it and asks whether it answers; the use-case
/// services of Infrastructure take their contexts from it (one per operation). Rows and contexts never leave
/// Infrastructure.
/// </summary>
public sealed class LumenDatabase
{
    private readonly IDbContextFactory<LumenDbContext> _contexts;

    internal LumenDatabase(IDbContextFactory<LumenDbContext> contexts) => _contexts = contexts;

    /// <summary>A new context for one operation; the caller disposes it.</summary>
    internal Task<LumenDbContext> CreateDbContextAsync(CancellationToken ct = default) => _contexts.CreateDbContextAsync(ct);

    /// <summary>Creates or migrates the database (and, for SQLite, switches it to write-ahead logging once).</summary>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var db = await _contexts.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
        await db.Dialect.AfterMigrateAsync(db, ct);
    }

    /// <summary>
    /// Runs a trivial query; throws the provider's exception when the database does not answer. A query, not
    /// CanConnect: a pooled connection to a stopped server still "opens".
    /// </summary>
    public async Task PingAsync(CancellationToken ct = default)
    {
        await using var db = await _contexts.CreateDbContextAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SELECT 1", ct);
    }

    /// <summary>The migrations this build has that the database has not applied, oldest first.</summary>
    public async Task<IReadOnlyList<string>> PendingMigrationsAsync(CancellationToken ct = default)
    {
        await using var db = await _contexts.CreateDbContextAsync(ct);
        return [.. await db.Database.GetPendingMigrationsAsync(ct)];
    }
}
