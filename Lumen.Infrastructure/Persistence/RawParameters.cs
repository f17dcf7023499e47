using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Persistence;

/// <summary>Parameters of a context's provider, for the few raw statements (named <c>@name</c>, as every provider takes).</summary>
internal sealed class RawParameters(LumenDbContext db)
{
    private readonly DbProviderFactory _factory = DbProviderFactories.GetFactory(db.Database.GetDbConnection())!;

    public DbParameter Of(string name, object value)
    {
        var parameter = _factory.CreateParameter()!;
        parameter.ParameterName = name;
        parameter.Value = value;
        return parameter;
    }
}
