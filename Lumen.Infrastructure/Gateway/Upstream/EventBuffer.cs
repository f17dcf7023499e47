using System.Buffers;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>
/// A relayed stream's bytes between its reads and the caller: split into lines where they arrive (for the notes),
/// and handed on in whole server-sent events, so that an event cut between two reads is never sent half. The buffer
/// is pooled and grows only for an event larger than it (the answerer caps the stream's size).
/// </summary>
internal sealed class EventBuffer : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _filled;  // bytes read
    private int _scanned; // bytes split into lines
    private int _whole;   // bytes that end in a blank line: whole events, ready to send

    /// <summary>Where the next read goes (never empty).</summary>
    public Memory<byte> Free()
    {
        if (_filled == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _filled).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        return _buffer.AsMemory(_filled);
    }

    public void Filled(int count) => _filled += count;

    /// <summary>The next whole line read (without its <c>\n</c> or <c>\r\n</c>), or null until more is read.</summary>
    public ReadOnlyMemory<byte>? NextLine()
    {
        var end = _buffer.AsSpan(_scanned, _filled - _scanned).IndexOf((byte)'\n');
        if (end < 0) return null;
        var line = _buffer.AsMemory(_scanned, end);
        _scanned += end + 1;
        if (line.Span is [.., (byte)'\r']) line = line[..^1];
        if (line.IsEmpty) _whole = _scanned;
        return line;
    }

    /// <summary>The whole events read and not yet sent.</summary>
    public ReadOnlyMemory<byte> Whole => _buffer.AsMemory(0, _whole);

    /// <summary>Drops the whole events (sent); what follows them moves to the front.</summary>
    public void Sent()
    {
        _buffer.AsSpan(_whole, _filled - _whole).CopyTo(_buffer);
        _filled -= _whole;
        _scanned -= _whole;
        _whole = 0;
    }

    /// <summary>A last line that has no line break (once the stream has ended).</summary>
    public ReadOnlyMemory<byte> Unended => _buffer.AsMemory(_scanned, _filled - _scanned);

    /// <summary>Everything read and not yet sent.</summary>
    public ReadOnlyMemory<byte> Unsent => _buffer.AsMemory(0, _filled);

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
