using Lumen.Infrastructure.Gateway;

namespace Lumen.Tests.Gateway;

/// <summary>An upstream body is read whole up to the cap, byte for byte, and not at all beyond it.</summary>
public sealed class BoundedBodyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65_535)]
    [InlineData(65_536)]
    [InlineData(65_537)]
    [InlineData(200_000)]
    public async Task A_body_within_the_cap_is_read_exactly(int size)
    {
        var bytes = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
        using var content = new StreamContent(new TrickleStream(bytes));

        var body = await BoundedBody.ReadAsync(content, cap: 200_000, CancellationToken.None);

        body.Should().Equal(bytes);
    }

    [Fact]
    public async Task A_body_over_the_cap_is_refused()
    {
        using var content = new StreamContent(new TrickleStream(new byte[200_001]));

        (await BoundedBody.ReadAsync(content, cap: 200_000, CancellationToken.None)).Should().BeNull();
    }

    /// <summary>Hands out at most 1,000 bytes a read, as a network stream does, so reads straddle the segments.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1000));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1000)], cancellationToken);
    }
}
