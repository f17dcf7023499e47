namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// Token counts where no tokenizer's answer exists (the dummy model; a client that left mid-stream before the
/// upstream reported usage): about four characters a token, the usual rule of thumb, and at least one for any text.
/// </summary>
public static class TokenEstimate
{
    public static long Of(string? text) => OfLength(text?.Length ?? 0);

    /// <summary>The estimate for a text of <paramref name="length"/> UTF-16 characters.</summary>
    public static long OfLength(long length) => (length + 3) / 4;
}
