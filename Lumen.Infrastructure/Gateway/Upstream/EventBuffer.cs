using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>
/// A relayed stream's bytes between its reads and the caller: split into lines where they arrive (for the notes),
/// and handed on in whole server-sent events, so that an event cut between two reads is never sent half. The buffer
/// is pooled and grows only for an event larger than it (the answerer caps the stream's size). Values marked with
/// <see cref="Replace"/> (the upstream's name for the model) go out as the model's own name instead.
/// </summary>
internal sealed class EventBuffer(string model) : IDisposable
{
    private readonly byte[] _ourModel = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(model));
    private readonly List<(int Start, int Length)> _replaced = [];
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private byte[]? _spliced;
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

    /// <summary>Marks a JSON string value in a line read (its bytes, quotes included) to go out as the model's name.</summary>
    public void Replace(ReadOnlySpan<byte> value)
    {
        if (!_buffer.AsSpan(0, _filled).Overlaps(value, out var start)) throw new ArgumentException("not a value in this buffer", nameof(value));
        _replaced.Add((start, value.Length));
        // In the order of the bytes, whatever order a chunk's values were found in.
        if (_replaced.Count > 1 && _replaced[^2].Start > start) _replaced.Sort();
    }

    /// <summary>The whole events read and not yet sent, as they go out.</summary>
    public ReadOnlyMemory<byte> Whole => Outgoing(_whole);

    /// <summary>Drops the whole events (sent); what follows them moves to the front.</summary>
    public void Sent()
    {
        _buffer.AsSpan(_whole, _filled - _whole).CopyTo(_buffer);
        // A loop, not RemoveAll(lambda): this runs for every batch of every relayed stream, and almost always has nothing to do.
        var kept = 0;
        for (var i = 0; i < _replaced.Count; i++)
            if (_replaced[i] is var (start, length) && start >= _whole) _replaced[kept++] = (start - _whole, length);
        _replaced.RemoveRange(kept, _replaced.Count - kept);
        _filled -= _whole;
        _scanned -= _whole;
        _whole = 0;
    }

    /// <summary>The first <paramref name="end"/> bytes as they go out: as read, unless a value in them is replaced.</summary>
    private ReadOnlyMemory<byte> Outgoing(int end)
    {
        if (_replaced.Count == 0 || _replaced[0].Start >= end) return _buffer.AsMemory(0, end);
        var length = end;
        foreach (var (start, replaced) in _replaced)
            if (start < end) length += _ourModel.Length - replaced;
        if (_spliced is null || _spliced.Length < length)
        {
            if (_spliced is not null) ArrayPool<byte>.Shared.Return(_spliced);
            _spliced = ArrayPool<byte>.Shared.Rent(length);
        }
        int from = 0, to = 0;
        foreach (var (start, replaced) in _replaced)
        {
            if (start >= end) break;
            _buffer.AsSpan(from, start - from).CopyTo(_spliced.AsSpan(to));
            to += start - from;
            _ourModel.CopyTo(_spliced.AsSpan(to));
            to += _ourModel.Length;
            from = start + replaced;
        }
        _buffer.AsSpan(from, end - from).CopyTo(_spliced.AsSpan(to));
        return _spliced.AsMemory(0, length);
    }

    /// <summary>A last line that has no line break (once the stream has ended).</summary>
    public ReadOnlyMemory<byte> Unended => _buffer.AsMemory(_scanned, _filled - _scanned);

    /// <summary>Everything read and not yet sent, as it goes out.</summary>
    public ReadOnlyMemory<byte> Unsent => Outgoing(_filled);

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        if (_spliced is not null) ArrayPool<byte>.Shared.Return(_spliced);
        _buffer = [];
        _spliced = null;
    }
}
