using System.Globalization;
using Microsoft.Data.Sqlite;

/// <summary>
/// Seeding at scale writes gigabytes: each seed step says how much it needs and stops before starting when the
/// disk does not have it. For PostgreSQL only when the server runs here (loopback), and then on the temporary
/// directory's disk as a stand-in for its data directory, which the bench cannot see.
/// </summary>
internal static class DiskSpace
{
    /// <summary>False (after saying why) when the disk holding <paramref name="path"/> has less than <paramref name="bytes"/> free.</summary>
    public static bool Enough(string path, long bytes, string what)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Path.GetTempPath();
        var free = new DriveInfo(directory).AvailableFreeSpace;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what} needs about {Gb(bytes)} free; {Gb(free)} free on the disk of {directory}"));
        if (free >= bytes) return true;
        Console.Error.WriteLine("not enough free disk space: free some, or seed fewer rows");
        return false;
    }

    /// <summary>The file of an SQLite connection string, or for a PostgreSQL one on this machine the temporary directory; null otherwise.</summary>
    public static string? LocalPath(string connection, bool postgres)
    {
        if (!postgres) return connection.Contains('=') ? new SqliteConnectionStringBuilder(connection).DataSource : connection;
        var local = connection.Contains("127.0.0.1", StringComparison.Ordinal) || connection.Contains("localhost", StringComparison.OrdinalIgnoreCase);
        return local ? Path.Combine(Path.GetTempPath(), "pg") : null;
    }

    private static string Gb(long bytes) => $"{bytes / 1e9:0.0} GB";
}
