using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure;

/// <summary>Rows and contexts stay inside Infrastructure (issue #14): the host sees records and <see cref="LumenDatabase"/>.</summary>
public sealed class BoundaryTests
{
    [Fact]
    public void No_public_type_of_Infrastructure_is_an_EF_row_or_context()
    {
        var exported = typeof(LumenDatabase).Assembly.GetExportedTypes();

        exported.Where(t => typeof(DbContext).IsAssignableFrom(t)).Should().BeEmpty();
        exported.Where(t => t.Namespace == typeof(LumenDatabase).Namespace).Select(t => t.Name)
            .Should().BeEquivalentTo(nameof(DatabaseOptions), nameof(DatabaseProviderKind), nameof(DatabaseProvider), nameof(LumenDatabase));
    }
}
