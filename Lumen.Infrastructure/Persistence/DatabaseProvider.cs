using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Infrastructure.Persistence;

/// <summary>
/// Builds the provider-specific context and a pooled factory for it (inside Infrastructure,
/// <see cref="IDbContextFactory{LumenDbContext}"/>); the host sees only <see cref="LumenDatabase"/>.
/// </summary>
public static class DatabaseProvider
{
    /// <summary>Registers <paramref name="options"/>, the context factory and <see cref="LumenDatabase"/> over it.</summary>
    public static IServiceCollection AddLumenDatabase(this IServiceCollection services, DatabaseOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(_ => CreateFactory(options));
        services.AddSingleton(sp => new LumenDatabase(sp.GetRequiredService<IDbContextFactory<LumenDbContext>>()));
        return services;
    }

    /// <summary>A factory of its own (its own context pool): tests use two of them to stand in for two portal instances.</summary>
    /// <param name="interceptors">For tests that make a statement or a commit fail.</param>
    internal static IDbContextFactory<LumenDbContext> CreateFactory(DatabaseOptions options, params IInterceptor[] interceptors) => options.Provider switch
    {
        DatabaseProviderKind.Sqlite => Pooled<SqliteLumenDbContext>(options, interceptors),
        DatabaseProviderKind.PostgreSQL => Pooled<PostgreSqlLumenDbContext>(options, interceptors),
        _ => Pooled<SqlServerLumenDbContext>(options, interceptors),
    };

    internal static DbContextOptions<TContext> BuildOptions<TContext>(DatabaseOptions options, params IInterceptor[] interceptors)
        where TContext : LumenDbContext
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        if (interceptors.Length > 0) builder.AddInterceptors(interceptors);
        switch (options.Provider)
        {
            case DatabaseProviderKind.Sqlite:
                builder.UseSqlite(PrepareSqlite(options.ConnectionString));
                break;
            case DatabaseProviderKind.PostgreSQL:
                builder.UseNpgsql(PreparePostgreSql(options.ConnectionString));
                break;
            default:
                // No retrying execution strategy: it refuses the transactions that config apply and manager changes
                // open themselves. A transient failure fails that one action (the config watcher tries again later).
                builder.UseSqlServer(options.ConnectionString);
                break;
        }
        return builder.Options;
    }

    /// <summary>Makes the SQLite file's folder and waits, rather than fails, while another writer holds the lock.</summary>
    private static string PrepareSqlite(string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (csb.DefaultTimeout < 30) csb.DefaultTimeout = 30;
        var folder = Path.GetDirectoryName(Path.GetFullPath(csb.DataSource));
        if (csb.DataSource != ":memory:" && !string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        return csb.ToString();
    }

    private static Upcast<TContext> Pooled<TContext>(DatabaseOptions options, IInterceptor[] interceptors) where TContext : LumenDbContext =>
        new Upcast<TContext>(new PooledDbContextFactory<TContext>(BuildOptions<TContext>(options, interceptors)));

    private sealed class Upcast<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<LumenDbContext>
        where TContext : LumenDbContext
    {
        public LumenDbContext CreateDbContext() => inner.CreateDbContext();
        public async Task<LumenDbContext> CreateDbContextAsync(CancellationToken ct = default) => await inner.CreateDbContextAsync(ct);
    }

    /// <summary>
    /// Npgsql prepares the statements a connection runs often (<c>Max Auto Prepare</c>) unless the connection string
    /// says otherwise: every call runs the same few, and PostgreSQL then skips parsing and planning them. Measured in
    /// bench/gateway-load.sh (BENCH_DB=postgresql): about twice the calls a second on the built-in model.
    /// A pooled connection is also not reset when it goes back to the pool (<c>No Reset On Close</c>): the reset is
    /// three more statements (session authorization, settings, advisory locks) on every call's key lookup, and the
    /// portal changes no session state and takes advisory locks only for the length of a transaction.
    /// </summary>
    internal static string PreparePostgreSql(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare")) given["Max Auto Prepare"] = AutoPrepared;
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose")) given["No Reset On Close"] = true;
        return given.ConnectionString;
    }

    internal const int AutoPrepared = 32;
}
