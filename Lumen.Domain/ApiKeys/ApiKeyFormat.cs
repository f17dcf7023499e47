using System.Security.Cryptography;

namespace Lumen.Domain.ApiKeys;

/// <summary>A freshly generated key: the full text is shown once; only <see cref="PublicId"/> and a hash of <see cref="Secret"/> are kept.</summary>
public sealed record GeneratedApiKey(string PublicId, string Secret)
{
    public string FullKey => ApiKeyFormat.Compose(PublicId, Secret);
    public string Hint => ApiKeyFormat.Hint(PublicId, Secret);
}

/// <summary>§9: <c>lmn_</c> + 12-character public id + <c>_</c> + at least 32 base62 characters.</summary>
public static class ApiKeyFormat
{
    public const string Prefix = "lmn_";
    public const int PublicIdLength = 12;
    public const int MinSecretLength = 32;
    /// <summary>43 base62 characters carry 256 bits; the spec asks for at least 190.</summary>
    public const int SecretLength = 43;

    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static GeneratedApiKey Generate() =>
        new(RandomNumberGenerator.GetString(Base62, PublicIdLength), RandomNumberGenerator.GetString(Base62, SecretLength));

    public static string Compose(string publicId, string secret) => $"{Prefix}{publicId}_{secret}";

    /// <summary>What the portal shows instead of the key: <c>lmn_&lt;id&gt;_…last4</c>.</summary>
    public static string Hint(string publicId, string secret) => $"{Prefix}{publicId}_…{secret[^4..]}";

    /// <summary>Splits a presented key into its public id and secret; false for anything not of the format.</summary>
    public static bool TryParse(string? key, out string publicId, out string secret)
    {
        publicId = secret = "";
        if (key is null || key.Length < Prefix.Length + PublicIdLength + 1 + MinSecretLength) return false;
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || key[Prefix.Length + PublicIdLength] != '_') return false;
        var id = key.AsSpan(Prefix.Length, PublicIdLength);
        var rest = key.AsSpan(Prefix.Length + PublicIdLength + 1);
        if (!IsBase62(id) || !IsBase62(rest)) return false;
        publicId = id.ToString();
        secret = rest.ToString();
        return true;
    }

    public static bool IsPublicId(string? text) => text is { Length: PublicIdLength } && IsBase62(text);

    private static bool IsBase62(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'z' or >= 'A' and <= 'Z')) return false;
        return true;
    }
}
