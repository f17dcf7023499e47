using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.RequestLog;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure.Databases;

/// <summary>
/// Each provider's context speaks its own <see cref="SqlDialect"/>, and the statements built from the model are built
/// once per provider. No connection is opened: SQL Server's statements are only ever checked here.
/// </summary>
public sealed class SqlDialectTests
{
    private static LumenDbContext Context(DatabaseProviderKind provider) => DatabaseProvider.CreateFactory(new(provider, provider switch
    {
        DatabaseProviderKind.Sqlite => "Data Source=:memory:",
        DatabaseProviderKind.PostgreSQL => "Host=127.0.0.1;Database=x",
        _ => "Server=.;Database=x;TrustServerCertificate=true",
    })).CreateDbContext();

    [Theory]
    [InlineData(DatabaseProviderKind.Sqlite, typeof(SqliteDialect), "Microsoft.EntityFrameworkCore.Sqlite")]
    [InlineData(DatabaseProviderKind.PostgreSQL, typeof(PostgreSqlDialect), "Npgsql.EntityFrameworkCore.PostgreSQL")]
    [InlineData(DatabaseProviderKind.SqlServer, typeof(SqlServerDialect), "Microsoft.EntityFrameworkCore.SqlServer")]
    public void A_context_and_its_settings_name_the_dialect_of_its_provider(DatabaseProviderKind provider, Type dialect, string efProvider)
    {
        using var db = Context(provider);

        db.Database.ProviderName.Should().Be(efProvider);
        db.Dialect.Should().BeOfType(dialect).And.BeSameAs(new DatabaseOptions(provider, "x").Dialect);
    }

    [Fact]
    public void Statements_are_built_once_per_provider_and_shared_by_its_contexts()
    {
        using var first = Context(DatabaseProviderKind.Sqlite);
        using var second = Context(DatabaseProviderKind.Sqlite);
        using var other = Context(DatabaseProviderKind.PostgreSQL);

        PoolSql.For(second).Should().BeSameAs(PoolSql.For(first));
        PoolSql.For(other).Should().NotBeSameAs(PoolSql.For(first));
        CallerSql.For(second).Should().BeSameAs(CallerSql.For(first));
    }

    [Fact]
    public void Only_PostgreSQL_has_the_many_row_statements_and_grouped_key_lookups()
    {
        foreach (var provider in Enum.GetValues<DatabaseProviderKind>())
        {
            using var db = Context(provider);
            var many = new[]
            {
                KeyUsedSql.For(db).Many, RequestLogSql.For(db).InsertMany, PoolSql.For(db).Usage.HourAddMany, PoolSql.For(db).Usage.DayAddMany,
                PoolSql.For(db).Usage.TotalAddMany, PoolSql.For(db).Usage.BalanceAtHourMany, CallerSql.For(db).SelectMany,
            };
            var postgres = provider == DatabaseProviderKind.PostgreSQL;

            many.Should().OnlyContain(sql => (sql != null) == postgres, $"{provider}");
            db.Dialect.GroupsKeyLookups.Should().Be(postgres);
        }
    }

    [Fact]
    public void SqlServer_upserts_usage_with_a_merge_that_holds_its_key_range()
    {
        using var db = Context(DatabaseProviderKind.SqlServer);
        var usage = PoolSql.For(db).Usage;

        foreach (var sql in new[] { usage.HourAdd, usage.DayAdd, usage.TotalAdd, usage.BalanceAtHour })
            sql.Should().StartWith("MERGE [").And.Contain("WITH (HOLDLOCK) AS t").And.NotContain("ON CONFLICT");
        usage.HourAdd.Should().Contain("t.[Calls] + s.[Calls]");
        usage.BalanceAtHour.Should().Contain("[BalanceMicros] = s.[BalanceMicros]");
    }

    [Theory]
    [InlineData(DatabaseProviderKind.Sqlite)]
    [InlineData(DatabaseProviderKind.PostgreSQL)]
    public void SQLite_and_PostgreSQL_upsert_usage_on_conflict(DatabaseProviderKind provider)
    {
        using var db = Context(provider);
        var usage = PoolSql.For(db).Usage;

        usage.HourAdd.Should().StartWith("INSERT INTO ").And.Contain("ON CONFLICT (").And.Contain(".\"Calls\" + excluded.\"Calls\"");
        usage.BalanceAtHour.Should().Contain("\"BalanceMicros\" = excluded.\"BalanceMicros\"");
    }
}
