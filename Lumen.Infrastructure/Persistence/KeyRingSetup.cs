using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Infrastructure.Persistence;

/// <summary>
/// The Data Protection key ring in the database (§18): every instance reads and writes the same keys under one
/// application name, so a sign-in cookie or an antiforgery token made by one instance is good on the others, and
/// after a container restarts with an empty disk.
/// </summary>
public static class KeyRingSetup
{
    /// <summary>The application name every instance shares: it isolates the keys' purposes, so it must never vary.</summary>
    public const string ApplicationName = "Lumen.Portal";

    /// <summary>Keys in the Lumen database; call after <see cref="DatabaseProvider.AddLumenDatabase"/>.</summary>
    public static IDataProtectionBuilder AddLumenKeyRing(this IServiceCollection services)
    {
        // The repository asks a scope for the context; one from the pooled factory goes back to the pool with it.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<LumenDbContext>>().CreateDbContext());
        return services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToDbContext<LumenDbContext>();
    }
}
