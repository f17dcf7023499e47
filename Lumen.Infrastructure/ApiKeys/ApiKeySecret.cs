using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace Lumen.Infrastructure.ApiKeys;

/// <summary>
/// Where the HMAC key for API key hashes comes from (§14): <c>Lumen:ApiKeySecret</c>; in Development, when that is
/// unset, a random secret generated once into <c>data/api-key-secret</c>; in Production it is required.
/// </summary>
public static class ApiKeySecret
{
    public const string Setting = "Lumen:ApiKeySecret";

    public static byte[] Resolve(IConfiguration configuration, bool isDevelopment, string dataFolder)
    {
        var configured = configuration[Setting];
        if (!string.IsNullOrEmpty(configured))
        {
            var bytes = Encoding.UTF8.GetBytes(configured);
            return bytes.Length >= ApiKeyHasher.MinSecretBytes ? bytes
                : throw new InvalidOperationException($"{Setting} must be at least {ApiKeyHasher.MinSecretBytes} characters long (bytes, in UTF-8); the one given has {bytes.Length}.");
        }
        if (!isDevelopment)
            throw new InvalidOperationException($"{Setting} is required outside Development: set it to a long random string " +
                "(environment variable Lumen__ApiKeySecret). Changing it later invalidates every API key.");
        return ReadOrCreate(Path.Combine(dataFolder, "api-key-secret"));
    }

    private static byte[] ReadOrCreate(string path)
    {
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var secret = RandomNumberGenerator.GetBytes(48);
        try
        {
            // CreateNew: if two processes race, the loser reads the winner's secret.
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(secret)));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return secret;
        }
        catch (IOException) when (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
    }
}
