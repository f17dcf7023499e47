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
    public Task<Caller?> FindAsync(string publicId, CancellationToken ct) =>
        RunAsync((lookup, token) => lookup.FindAsync(publicId, token), ct);

    /// <summary>
    /// The keys among <paramref name="publicIds"/> that exist, each with its client and pool, in one statement
    /// (<see cref="CallerSql.SelectMany"/>: PostgreSQL only).
    /// </summary>
    public Task<List<Caller>> FindManyAsync(string[] publicIds, CancellationToken ct) =>
        RunAsync((lookup, token) => lookup.FindManyAsync(publicIds, token), ct);

    private async Task<T> RunAsync<T>(Func<Lookup, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var lookup = Rent();
        if (lookup is not null)
        {
            try
            {
                var found = await read(lookup, ct);
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
            var found = await read(fresh, ct);
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

    /// <summary>One open connection and its lookup commands (the one-key command, and the many-key one once used).</summary>
    private sealed class Lookup : IAsyncDisposable
    {
        private readonly LumenDbContext _db;
        private readonly CallerSql _sql;
        private readonly DbCommand _one;
        private DbCommand? _many;

        private Lookup(LumenDbContext db, CallerSql sql)
        {
            _db = db;
            _sql = sql;
            _one = Command(sql.Select, "@id");
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

        public async Task<Caller?> FindAsync(string publicId, CancellationToken ct)
        {
            _one.Parameters[0].Value = publicId;
            // Disposing the reader ends the statement, so a kept SQLite connection holds no read snapshot between calls.
            await using var reader = await _one.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? _sql.Read(reader) : null;
        }

        public async Task<List<Caller>> FindManyAsync(string[] publicIds, CancellationToken ct)
        {
            _many ??= Command(_sql.SelectMany ?? throw new NotSupportedException("This database reads one key per statement."), "@ids");
            _many.Parameters[0].Value = publicIds;
            var found = new List<Caller>(publicIds.Length);
            await using var reader = await _many.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) found.Add(_sql.Read(reader));
            return found;
        }

        private DbCommand Command(string text, string parameter)
        {
            var command = _db.Database.GetDbConnection().CreateCommand();
            command.CommandText = text;
            var value = command.CreateParameter();
            value.ParameterName = parameter;
            command.Parameters.Add(value);
            return command;
        }

        public async ValueTask DisposeAsync()
        {
            await _one.DisposeAsync();
            if (_many is not null) await _many.DisposeAsync();
            await _db.Database.CloseConnectionAsync();
            await _db.DisposeAsync();
        }
    }
}
