using Microsoft.EntityFrameworkCore.Design;

namespace Lumen.Infrastructure.Persistence;

// Used by `dotnet ef migrations add` only: one per provider, so each keeps its own migration set.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteLumenDbContext>
{
    public SqliteLumenDbContext CreateDbContext(string[] args) =>
        new(DatabaseProvider.BuildOptions<SqliteLumenDbContext>(new(DatabaseProviderKind.Sqlite, "Data Source=design-time.db")));
}

internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlLumenDbContext>
{
    public PostgreSqlLumenDbContext CreateDbContext(string[] args) =>
        new(DatabaseProvider.BuildOptions<PostgreSqlLumenDbContext>(new(DatabaseProviderKind.PostgreSQL, "Host=127.0.0.1;Database=lumen")));
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerLumenDbContext>
{
    public SqlServerLumenDbContext CreateDbContext(string[] args) =>
        new(DatabaseProvider.BuildOptions<SqlServerLumenDbContext>(new(DatabaseProviderKind.SqlServer, "Server=.;Database=lumen;TrustServerCertificate=true")));
}
