using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Persistence;

/// <summary>
/// A set of values in one parameter, for raw statements over many rows: an array read by PostgreSQL's
/// <c>unnest</c>, a JSON array read by SQLite's <c>json_each</c> and SQL Server's <c>OPENJSON</c>. One statement then
/// takes 100,000 ids without meeting a provider's parameter limit (SQL Server's 2,100).
/// </summary>
internal sealed class ValueArray
{
    private static readonly ConcurrentDictionary<Type, ValueArray> ByContext = new();
    private readonly Provider _provider;

    private enum Provider { PostgreSql, Sqlite, SqlServer }

    private ValueArray(LumenDbContext db) =>
        _provider = db.Database.IsNpgsql() ? Provider.PostgreSql : db.Database.IsSqlite() ? Provider.Sqlite : Provider.SqlServer;

    public static ValueArray For(LumenDbContext db) => ByContext.GetOrAdd(db.GetType(), _ => new ValueArray(db));

    /// <summary>The integers of parameter <paramref name="name"/> as a select list item, with <see cref="From"/> after it.</summary>
    public string Column(string name) => _provider switch
    {
        Provider.PostgreSql => $"unnest({name})",
        Provider.Sqlite => "value",
        _ => "CAST([value] AS int)",
    };

    /// <summary>The FROM clause that <see cref="Column"/> reads (none on PostgreSQL, where <c>unnest</c> is the column).</summary>
    public string From(string name) => _provider switch
    {
        Provider.PostgreSql => "",
        Provider.Sqlite => $" FROM json_each({name})",
        _ => $" FROM OPENJSON({name})",
    };

    /// <summary>A subquery of the integers, for <c>IN (…)</c>.</summary>
    public string Select(string name) => $"SELECT {Column(name)}{From(name)}";

    /// <summary>A subquery of the texts of parameter <paramref name="name"/>, for <c>IN (…)</c>.</summary>
    public string SelectTexts(string name) => _provider == Provider.SqlServer ? $"SELECT [value]{From(name)}" : Select(name);

    /// <summary>An integer array on PostgreSQL, a JSON array elsewhere.</summary>
    public DbParameter Parameter(RawParameters parameters, string name, IReadOnlyCollection<int> ids) =>
        _provider == Provider.PostgreSql ? parameters.Of(name, ids.ToArray())
            : parameters.Of(name, "[" + string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]");

    /// <summary>A text array on PostgreSQL, a JSON array elsewhere.</summary>
    public DbParameter Parameter(RawParameters parameters, string name, IReadOnlyCollection<string> texts) =>
        _provider == Provider.PostgreSql ? parameters.Of(name, texts.ToArray()) : parameters.Of(name, JsonSerializer.Serialize(texts));
}
