using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Lumen.Infrastructure.Persistence;

/// <summary>SQL Server's words: JSON arrays read by <c>OPENJSON</c>, <c>MERGE</c> for upserts, <c>sp_getapplock</c>.</summary>
internal sealed class SqlServerDialect : SqlDialect
{
    public override IDbContextFactory<LumenDbContext> CreateFactory(DatabaseOptions options, IInterceptor[] interceptors) =>
        DatabaseProvider.Pooled<SqlServerLumenDbContext>(options, interceptors);

    // No retrying execution strategy: it refuses the transactions that config apply and manager changes open
    // themselves. A transient failure fails that one action (the config watcher tries again later).
    public override void Use(DbContextOptionsBuilder builder, string connectionString) => builder.UseSqlServer(connectionString);

    public override async Task<bool> TryLockTransactionAsync(LumenDbContext db, long key, string name, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        // 0 granted, 1 granted after a wait; negative: not granted (timeout 0, so at once).
        command.CommandText = "DECLARE @r int; EXEC @r = sp_getapplock @Resource = @name, @LockMode = 'Exclusive', " +
            "@LockOwner = 'Transaction', @LockTimeout = 0; SELECT @r";
        command.Parameters.Add(new RawParameters(db).Of("@name", name));
        return await command.ExecuteScalarAsync(ct) is int result && result >= 0;
    }

    public override string ArrayColumn(string name) => "CAST([value] AS int)";

    public override string ArrayFrom(string name) => $" FROM OPENJSON({name})";

    public override string SelectArrayTexts(string name) => $"SELECT [value]{ArrayFrom(name)}";

    /// <summary>A <c>MERGE</c> that holds its key range until commit, so two writers of a new row do not both insert it.</summary>
    public override string Upsert(string table, string[] key, string[] set, string source, Func<string, string, string, string> value)
    {
        var columns = string.Join(", ", key.Concat(set));
        var on = string.Join(" AND ", key.Select(c => $"t.{c} = s.{c}"));
        return $"MERGE {table} WITH (HOLDLOCK) AS t USING ({source}) AS s ({columns}) ON {on} " +
            $"WHEN MATCHED THEN UPDATE SET {string.Join(", ", set.Select(c => $"{c} = {value(c, "t", "s")}"))} " +
            $"WHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({string.Join(", ", key.Concat(set).Select(c => $"s.{c}"))});";
    }
}
