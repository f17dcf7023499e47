using Microsoft.Extensions.Configuration;

namespace Lumen.Infrastructure.Persistence;

public enum DatabaseProviderKind { Sqlite, PostgreSQL, SqlServer }

/// <summary>The database settings of §14: <c>Database:Provider</c>, <c>ConnectionStrings:Lumen</c>, <c>Database:MigrateOnStartup</c>.</summary>
public sealed record DatabaseOptions(DatabaseProviderKind Provider, string ConnectionString, bool MigrateOnStartup = true)
{
    public const string DefaultSqlite = "Data Source=data/lumen.db";

    /// <summary>What this provider says its own way.</summary>
    internal SqlDialect Dialect => SqlDialect.For(Provider);

    /// <summary>A SQLite database at <paramref name="connectionString"/>.</summary>
    public static DatabaseOptions ForSqlite(string connectionString) => new(DatabaseProviderKind.Sqlite, connectionString);

    public static DatabaseOptions FromConfiguration(IConfiguration configuration)
    {
        var providerText = configuration["Database:Provider"];
        var provider = DatabaseProviderKind.Sqlite;
        if (!string.IsNullOrWhiteSpace(providerText) && !Enum.TryParse(providerText, ignoreCase: true, out provider))
            throw new InvalidOperationException(
                $"Database:Provider '{providerText}' is not one of {string.Join(", ", Enum.GetNames<DatabaseProviderKind>())}.");
        var connection = configuration.GetConnectionString("Lumen");
        if (string.IsNullOrWhiteSpace(connection))
        {
            if (provider != DatabaseProviderKind.Sqlite)
                throw new InvalidOperationException($"ConnectionStrings:Lumen is required for the {provider} provider.");
            connection = DefaultSqlite;
        }
        var migrate = !bool.TryParse(configuration["Database:MigrateOnStartup"], out var m) || m;
        return new DatabaseOptions(provider, connection, migrate);
    }
}
