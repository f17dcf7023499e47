namespace Lumen.Infrastructure.ApiKeys;

public enum KeyStatus
{
    Valid,
    /// <summary>Missing, malformed, unknown, wrong secret or revoked: 401 <c>invalid_api_key</c>.</summary>
    Invalid,
    /// <summary>A good key of a deactivated client: 403 <c>client_inactive</c>.</summary>
    ClientInactive,
}

/// <summary>What a presented key proved. Client and key are known for every status but <see cref="KeyStatus.Invalid"/>.</summary>
public sealed record KeyCheck(KeyStatus Status, int ClientId = 0, string ClientName = "", int KeyId = 0)
{
    public static readonly KeyCheck Invalid = new(KeyStatus.Invalid);
}
