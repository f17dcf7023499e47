using Lumen.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Lumen.Tests.Infrastructure.Databases;

[Collection("postgres")]
public sealed class MigrationTests(PostgresServer postgres)
{
    public static TheoryData<DatabaseProviderKind> AllProviders => new()
    {
        DatabaseProviderKind.Sqlite, DatabaseProviderKind.PostgreSQL, DatabaseProviderKind.SqlServer,
    };

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Migrations_create_the_empty_schema(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var context = await db.Factory.CreateDbContextAsync();

        context.Database.ProviderName.Should().EndWith(provider.ToString());
        (await context.Database.GetAppliedMigrationsAsync()).Should().NotBeEmpty();
        (await context.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        (await context.Clients.CountAsync()).Should().Be(0);
        (await context.RequestLog.CountAsync()).Should().Be(0);
    }

    [Theory, MemberData(nameof(AllProviders))]
    public void Model_has_no_changes_missing_a_migration(DatabaseProviderKind provider)
    {
        // No connection is opened: the model is compared with the provider's migration snapshot.
        var connection = provider switch
        {
            DatabaseProviderKind.Sqlite => "Data Source=:memory:",
            DatabaseProviderKind.PostgreSQL => "Host=127.0.0.1;Database=x",
            _ => "Server=.;Database=x;TrustServerCertificate=true",
        };
        using var context = DatabaseProvider.CreateFactory(new(provider, connection)).CreateDbContext();

        context.Database.GetMigrations().Should().NotBeEmpty();
        context.Database.HasPendingModelChanges().Should().BeFalse(
            $"the model changed without a migration: run dotnet ef migrations add for the {provider} context");
    }

    [Fact]
    public void SqlServer_idempotent_script_generates()
    {
        using var context = new SqlServerLumenDbContext(DatabaseProvider.BuildOptions<SqlServerLumenDbContext>(
            new(DatabaseProviderKind.SqlServer, "Server=.;Database=x;TrustServerCertificate=true")));

        var script = context.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        script.Should().Contain("CREATE TABLE [clients]").And.Contain("IF NOT EXISTS")
            .And.Contain("ALTER TABLE [api_keys] ADD [ExpiresAt] datetime2 NULL").And.Contain("ALTER TABLE [api_keys] ADD [ReplacedById] int NULL");
    }

    [Theory]
    [InlineData(DatabaseProviderKind.Sqlite, "Data Source=:memory:")]
    [InlineData(DatabaseProviderKind.PostgreSQL, "Host=127.0.0.1;Database=x")]
    [InlineData(DatabaseProviderKind.SqlServer, "Server=.;Database=x;TrustServerCertificate=true")]
    public void Execution_strategy_allows_the_transactions_the_services_open(DatabaseProviderKind provider, string connection)
    {
        // A retrying strategy (SQL Server's EnableRetryOnFailure) throws on BeginTransaction outside strategy.Execute.
        using var context = DatabaseProvider.CreateFactory(new(provider, connection)).CreateDbContext();

        context.Database.CreateExecutionStrategy().RetriesOnFailure.Should().BeFalse();
    }

    [Fact]
    public async Task Sqlite_database_is_a_temp_file_removed_on_dispose()
    {
        var db = await SqliteDatabase.CreateAsync();
        var file = new SqliteConnectionStringBuilder(db.Options.ConnectionString).DataSource;
        File.Exists(file).Should().BeTrue();

        await db.DisposeAsync();

        File.Exists(file).Should().BeFalse();
    }

    [Fact]
    public async Task Postgres_databases_are_separate_and_dropped_on_dispose()
    {
        var first = await postgres.CreateDatabaseAsync();
        await using var second = await postgres.CreateDatabaseAsync();
        var name = new NpgsqlConnectionStringBuilder(first.Options.ConnectionString).Database!;
        await using (var context = await first.Factory.CreateDbContextAsync())
        {
            context.Clients.Add(new ClientRow { Name = "alpha", CreatedAt = DateTime.UtcNow });
            await context.SaveChangesAsync();
        }
        await using (var other = await second.Factory.CreateDbContextAsync())
            (await other.Clients.CountAsync()).Should().Be(0);
        (await postgres.DatabaseExistsAsync(name)).Should().BeTrue();

        await first.DisposeAsync();

        (await postgres.DatabaseExistsAsync(name)).Should().BeFalse();
    }
}
