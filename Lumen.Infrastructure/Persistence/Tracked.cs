using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Lumen.Infrastructure.Persistence;

/// <summary>Keeping a tracked row in step with what a statement (an <c>ExecuteUpdate</c>) already wrote.</summary>
internal static class Tracked
{
    /// <summary>The value as current and original, so the returned record shows it and no save writes it again.</summary>
    public static void Written<TEntity, T>(PropertyEntry<TEntity, T> property, T value) where TEntity : class
    {
        property.CurrentValue = value;
        property.OriginalValue = value;
    }
}
