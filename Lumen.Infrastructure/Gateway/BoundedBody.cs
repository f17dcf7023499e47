using System.Buffers;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// Reads a body into memory no further than a cap, so a huge one costs the cap, not its size: a caller's request
/// (Gateway:MaxRequestBytes) and an upstream's answer (Gateway:MaxUpstreamResponseBytes) alike.
/// </summary>
public static class BoundedBody
{
    private const int Segment = 64 * 1024;

    /// <summary>
    /// The body, or null if it is longer than <paramref name="cap"/> bytes (reading stops there). Read in fixed
    /// segments and copied once at the end: a growing buffer would double on its way to the cap, and hold the old copy
    /// and the new one at once.
    /// </summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, long cap, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        return await ReadAsync(stream, cap, ct);
    }

    /// <inheritdoc cref="ReadAsync(HttpContent, long, CancellationToken)"/>
    public static async Task<byte[]?> ReadAsync(Stream stream, long cap, CancellationToken ct)
    {
        var segments = new List<byte[]>();
        var last = 0; // bytes used in the last segment
        long total = 0;
        try
        {
            while (true)
            {
                if (segments.Count == 0 || last == Segment)
                {
                    segments.Add(ArrayPool<byte>.Shared.Rent(Segment));
                    last = 0;
                }
                var read = await stream.ReadAsync(segments[^1].AsMemory(last, Segment - last), ct);
                if (read == 0) break;
                total += read;
                if (total > cap) return null;
                last += read;
            }
            var body = new byte[total];
            for (var i = 0; i < segments.Count; i++)
                segments[i].AsSpan(0, i == segments.Count - 1 ? last : Segment).CopyTo(body.AsSpan(i * Segment));
            return body;
        }
        finally
        {
            foreach (var segment in segments) ArrayPool<byte>.Shared.Return(segment);
        }
    }
}
