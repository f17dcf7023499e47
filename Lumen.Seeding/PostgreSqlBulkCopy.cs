using Npgsql;
using NpgsqlTypes;

namespace Lumen.Seeding;

/// <summary>PostgreSQL's binary COPY, for seeding many rows at once (benchmarks and tests; never the product).</summary>
internal static class PostgreSqlBulkCopy
{
    public static async Task CopyAsync(string connectionString, string table, IReadOnlyList<string> columns,
        IEnumerable<object?[]> rows, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var names = string.Join(", ", columns.Select(c => $"\"{c}\""));
        await using (var copy = await connection.BeginBinaryImportAsync($"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var row in rows)
            {
                await copy.StartRowAsync(ct);
                foreach (var value in row)
                {
                    if (value is null) await copy.WriteNullAsync(ct);
                    else await copy.WriteAsync(value, CopyType(value), ct);
                }
            }
            await copy.CompleteAsync(ct);
        }
        await using var analyze = new NpgsqlCommand($"ANALYZE {table}", connection);
        await analyze.ExecuteNonQueryAsync(ct);
    }

    // Binary COPY takes no conversions: each value goes as its column's exact type.
    private static NpgsqlDbType CopyType(object value) => value switch
    {
        int => NpgsqlDbType.Integer,
        long => NpgsqlDbType.Bigint,
        string => NpgsqlDbType.Varchar,
        DateTime => NpgsqlDbType.TimestampTz,
        _ => throw new NotSupportedException($"Bulk copy takes no {value.GetType().Name}."),
    };
}
