using System.Collections.Concurrent;
using System.Data.Common;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.ApiKeys;

/// <summary>
/// Open connections kept for the key lookup, each with its command, so a call neither opens a connection through EF
/// (on SQLite that registers EF's functions every time) nor parses the statement again. At most
/// <see cref="MaxIdle"/> wait between calls (on PostgreSQL each is a server backend); more are opened when calls
/// overlap and closed after. A lookup that fails on a kept connection (the server restarted, an idle connection was
/// dropped) is tried once more on a new one: it only reads.
/// </summary>
internal sealed class CallerConnections(LumenDatabase contexts) : IAsyncDisposable
{
    /// <summary>How many connections wait between calls.</summary>
    public static readonly int MaxIdle = Math.Max(4, 2 * Environment.ProcessorCount);

    private readonly ConcurrentQueue<Lookup> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    /// <summary>The key with public id <paramref name="publicId"/>, its client and pool; null when no key has it.</summary>
    public async Task<Caller?> FindAsync(string publicId, CancellationToken ct)
    {
        var lookup = Rent();
        if (lookup is not null)
        {
            try
            {
                var found = await lookup.RunAsync(publicId, ct);
                Return(lookup);
                return found;
            }
            catch (DbException)
            {
                // A kept connection may have gone stale; a new one answers or fails for real below.
                await lookup.DisposeAsync();
            }
            catch
            {
                await lookup.DisposeAsync();
                throw;
            }
        }
        var fresh = await Lookup.OpenAsync(contexts, ct);
        try
        {
            var found = await fresh.RunAsync(publicId, ct);
            Return(fresh);
            return found;
        }
        catch
        {
            await fresh.DisposeAsync();
            throw;
        }
    }

    private Lookup? Rent()
    {
        if (!_idle.TryDequeue(out var lookup)) return null;
        Interlocked.Decrement(ref _idleCount);
        return lookup;
    }

    private void Return(Lookup lookup)
    {
        if (!_disposed && Interlocked.Increment(ref _idleCount) <= MaxIdle)
        {
            _idle.Enqueue(lookup);
            return;
        }
        Interlocked.Decrement(ref _idleCount);
        _ = lookup.DisposeAsync().AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (Rent() is { } lookup) await lookup.DisposeAsync();
    }

    /// <summary>One open connection and its lookup command.</summary>
    private sealed class Lookup : IAsyncDisposable
    {
        private readonly LumenDbContext _db;
        private readonly DbCommand _command;
        private readonly DbParameter _id;
        private readonly CallerSql _sql;

        private Lookup(LumenDbContext db, CallerSql sql)
        {
            _db = db;
            _sql = sql;
            _command = db.Database.GetDbConnection().CreateCommand();
            _command.CommandText = sql.Select;
            _id = _command.CreateParameter();
            _id.ParameterName = "@id";
            _command.Parameters.Add(_id);
        }

        public static async Task<Lookup> OpenAsync(LumenDatabase contexts, CancellationToken ct)
        {
            var db = await contexts.CreateDbContextAsync(ct);
            try
            {
                await db.Database.OpenConnectionAsync(ct);
                return new Lookup(db, CallerSql.For(db));
            }
            catch
            {
                await db.DisposeAsync();
                throw;
            }
        }

        public async Task<Caller?> RunAsync(string publicId, CancellationToken ct)
        {
            _id.Value = publicId;
            // Disposing the reader ends the statement, so a kept SQLite connection holds no read snapshot between calls.
            await using var reader = await _command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? _sql.Read(reader) : null;
        }

        public async ValueTask DisposeAsync()
        {
            await _command.DisposeAsync();
            await _db.Database.CloseConnectionAsync();
            await _db.DisposeAsync();
        }
    }
}
