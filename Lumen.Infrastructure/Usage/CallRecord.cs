namespace Lumen.Infrastructure.Usage;

/// <summary>One model call as the request log keeps it (§10). Client and key are null when the key was not known.</summary>
public sealed record CallRecord(
    int? ClientId,
    int? ApiKeyId,
    string Model,
    int Status,
    string? ErrorCode,
    long InputTokens,
    long OutputTokens,
    long CoinsMicros,
    int DurationMs);
