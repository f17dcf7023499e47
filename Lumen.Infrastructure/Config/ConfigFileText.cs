using System.Text;

namespace Lumen.Infrastructure.Config;

/// <summary>
/// Reads the config file within a bound (§19: refused above 4 MiB). Read whole, a 20 MB file took the portal to 708 MB
/// (the YAML tree and its copies), so the size is checked first and reading stops at the bound: a file that grows
/// while it is read is refused too.
/// </summary>
public static class ConfigFileText
{
    public const long MaxBytes = 4L << 20;

    /// <summary>The file's text; <see cref="IOException"/> (with a message a person can act on) when it is too large.</summary>
    public static async Task<string> ReadAsync(string path, CancellationToken ct = default)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, useAsync: true);
        if (file.Length > MaxBytes) throw TooLarge(file.Length);
        var bytes = new byte[Math.Min(file.Length, MaxBytes) + 1];
        var read = 0;
        while (read < bytes.Length)
        {
            var n = await file.ReadAsync(bytes.AsMemory(read), ct);
            if (n == 0) break;
            read += n;
        }
        if (read > MaxBytes || (read == bytes.Length && file.ReadByte() >= 0)) throw TooLarge(Math.Max(read, file.Length));
        using var reader = new StreamReader(new MemoryStream(bytes, 0, read), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return await reader.ReadToEndAsync(ct);
    }

    public static string Read(string path) => ReadAsync(path).GetAwaiter().GetResult();

    private static IOException TooLarge(long bytes) => new(
        $"the file is {bytes / 1048576.0:0.0} MiB ({bytes} bytes); a config file may be at most 4 MiB ({MaxBytes} bytes)");
}
