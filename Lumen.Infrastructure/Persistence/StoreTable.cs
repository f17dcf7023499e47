using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Lumen.Infrastructure.Persistence;

/// <summary>
/// An entity's table as raw SQL must name it on this context's provider: the delimited table name and column names,
/// read from the EF model, for statements built once per provider (<c>PoolSql</c>, <c>ClientTotalsSql</c>).
/// </summary>
internal sealed class StoreTable
{
    private readonly IEntityType _entity;
    private readonly StoreObjectIdentifier _store;

    public StoreTable(LumenDbContext db, Type entityType)
    {
        _entity = db.Model.FindEntityType(entityType) ?? throw new ArgumentException($"{entityType.Name} is not in the model.", nameof(entityType));
        _store = StoreObjectIdentifier.Table(_entity.GetTableName()!, _entity.GetSchema());
        Sql = db.GetService<ISqlGenerationHelper>();
        Name = Sql.DelimitIdentifier(_store.Name, _store.Schema);
    }

    /// <summary>The provider's quoting, for aliases.</summary>
    public ISqlGenerationHelper Sql { get; }

    public string Name { get; }

    /// <summary>The delimited column of <paramref name="property"/>.</summary>
    public string this[string property] => Sql.DelimitIdentifier(_entity.FindProperty(property)!.GetColumnName(_store)!);

    /// <summary>The declared maximum length of a string column (text longer than this must be cut before writing).</summary>
    public int MaxLength(string property) =>
        _entity.FindProperty(property)!.GetMaxLength() ?? throw new InvalidOperationException($"{property} has no maximum length.");
}
