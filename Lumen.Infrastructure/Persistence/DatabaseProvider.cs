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
    internal static IDbContextFactory<LumenDbContext> CreateFactory(DatabaseOptions options, params IInterceptor[] interceptors) =>
        options.Dialect.CreateFactory(options, interceptors);

    internal static DbContextOptions<TContext> BuildOptions<TContext>(DatabaseOptions options, params IInterceptor[] interceptors)
        where TContext : LumenDbContext
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        if (interceptors.Length > 0) builder.AddInterceptors(interceptors);
        options.Dialect.Use(builder, options.ConnectionString);
        return builder.Options;
    }

    /// <summary>A pooled factory of <typeparamref name="TContext"/>, the context of <paramref name="options"/>' provider.</summary>
    internal static IDbContextFactory<LumenDbContext> Pooled<TContext>(DatabaseOptions options, IInterceptor[] interceptors) where TContext : LumenDbContext =>
        new Upcast<TContext>(new PooledDbContextFactory<TContext>(BuildOptions<TContext>(options, interceptors)));

    private sealed class Upcast<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<LumenDbContext>
        where TContext : LumenDbContext
    {
        public LumenDbContext CreateDbContext() => inner.CreateDbContext();
        public async Task<LumenDbContext> CreateDbContextAsync(CancellationToken ct = default) => await inner.CreateDbContextAsync(ct);
    }
}
