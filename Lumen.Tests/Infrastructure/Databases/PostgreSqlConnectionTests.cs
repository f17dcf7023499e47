using Lumen.Infrastructure.Persistence;

namespace Lumen.Tests.Infrastructure.Databases;

/// <summary>
/// The portal's PostgreSQL connections prepare their frequent statements and skip the reset when they go back to the
/// pool, unless the operator says otherwise.
/// </summary>
public sealed class PostgreSqlConnectionTests
{
    [Fact]
    public void Auto_prepare_is_on_when_the_connection_string_does_not_set_it()
    {
        var prepared = new Npgsql.NpgsqlConnectionStringBuilder(PostgreSqlDialect.Prepare("Host=db;Database=lumen;Username=lumen"));

        prepared.MaxAutoPrepare.Should().Be(PostgreSqlDialect.AutoPrepared);
        prepared.NoResetOnClose.Should().BeTrue();
        (prepared.Host, prepared.Database, prepared.Username).Should().Be(("db", "lumen", "lumen"));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;MaxAutoPrepare=5", 5)]
    public void An_operators_own_setting_is_kept(string connectionString, int expected) =>
        new Npgsql.NpgsqlConnectionStringBuilder(PostgreSqlDialect.Prepare(connectionString)).MaxAutoPrepare.Should().Be(expected);

    [Theory]
    [InlineData("Host=db;No Reset On Close=false")]
    [InlineData("Host=db;NoResetOnClose=false")]
    public void An_operators_reset_setting_is_kept(string connectionString) =>
        new Npgsql.NpgsqlConnectionStringBuilder(PostgreSqlDialect.Prepare(connectionString)).NoResetOnClose.Should().BeFalse();
}
