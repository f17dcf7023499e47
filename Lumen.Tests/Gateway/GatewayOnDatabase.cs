using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;

namespace Lumen.Tests.Gateway;

/// <summary>
/// A <see cref="GatewayHost"/> of its own on a fresh database of the given provider, for what must behave the same on
/// every database we run (PostgreSQL refuses text SQLite takes). Dispose it to stop the host and drop the database.
/// </summary>
internal sealed class GatewayOnDatabase : IAsyncDisposable
{
    private readonly TestDatabase? _database;

    private GatewayOnDatabase(GatewayHost host, TestDatabase? database)
    {
        Host = host;
        _database = database;
    }

    public GatewayHost Host { get; }

    /// <param name="clock">What every part of the host reads as the time (a fake clock), or the system's.</param>
    public static async Task<GatewayOnDatabase> StartAsync(DatabaseProviderKind provider, PostgresServer postgres, TimeProvider? clock = null)
    {
        // SQLite: the host's own file, as every other gateway test has it.
        var database = provider == DatabaseProviderKind.Sqlite ? null : await TestDatabases.CreateAsync(provider, postgres);
        var host = new GatewayHost(clock, database?.Options);
        await ((IAsyncLifetime)host).InitializeAsync();
        return new GatewayOnDatabase(host, database);
    }

    public async ValueTask DisposeAsync()
    {
        await ((IAsyncLifetime)Host).DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }
}
