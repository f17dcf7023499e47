using System.Security.Cryptography;
using System.Text;

namespace Lumen.Infrastructure.ApiKeys;

/// <summary>HMAC-SHA256 of a key's secret, keyed by the server secret, which never enters the database (§9).</summary>
public sealed class ApiKeyHasher
{
    public const int MinSecretBytes = 32;
    private readonly byte[] _serverSecret;

    public ApiKeyHasher(byte[] serverSecret)
    {
        if (serverSecret.Length < MinSecretBytes)
            throw new ArgumentException($"The API key secret must be at least {MinSecretBytes} bytes.", nameof(serverSecret));
        _serverSecret = serverSecret.ToArray();
    }

    public byte[] Hash(string secret) => HMACSHA256.HashData(_serverSecret, Encoding.UTF8.GetBytes(secret));

    /// <summary>Constant-time comparison of a presented secret with a stored hash.</summary>
    public bool Matches(string secret, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);
}
