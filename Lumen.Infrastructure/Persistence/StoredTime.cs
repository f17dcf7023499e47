namespace Lumen.Infrastructure.Persistence;

/// <summary>Times are stored as UTC; some providers (SQLite) read them back without a kind, so records get them as UTC again.</summary>
internal static class StoredTime
{
    public static DateTime Utc(DateTime stored) => DateTime.SpecifyKind(stored, DateTimeKind.Utc);

    public static DateTime? Utc(DateTime? stored) => stored is { } at ? Utc(at) : null;
}
