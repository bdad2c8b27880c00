using System.Buffers.Binary;

namespace FastBroker.Wire;

/// <summary>Sequential little-endian reader over a frame body. Every <c>Try*</c> leaves the position
/// untouched when the bytes are not there, so a short body is reported, never thrown.</summary>
public ref struct SpanReader
{
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    /// <summary>Starts reading at the first byte of <paramref name="span"/>.</summary>
    public SpanReader(ReadOnlySpan<byte> span)
    {
        _span = span;
        _position = 0;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Consumed => _position;

    /// <summary>The bytes not yet read.</summary>
    public readonly ReadOnlySpan<byte> Remaining => _span[_position..];

    /// <summary>True when every byte has been read.</summary>
    public readonly bool End => _position == _span.Length;

    /// <summary>Reads a u8.</summary>
    public bool TryReadByte(out byte value)
    {
        if (_span.Length - _position < 1) { value = 0; return false; }
        value = _span[_position];
        _position += 1;
        return true;
    }

    /// <summary>Reads a u16.</summary>
    public bool TryReadUInt16(out ushort value)
    {
        if (_span.Length - _position < 2) { value = 0; return false; }
        value = BinaryPrimitives.ReadUInt16LittleEndian(_span[_position..]);
        _position += 2;
        return true;
    }

    /// <summary>Reads a u32.</summary>
    public bool TryReadUInt32(out uint value)
    {
        if (_span.Length - _position < 4) { value = 0; return false; }
        value = BinaryPrimitives.ReadUInt32LittleEndian(_span[_position..]);
        _position += 4;
        return true;
    }

    /// <summary>Reads a u64.</summary>
    public bool TryReadUInt64(out ulong value)
    {
        if (_span.Length - _position < 8) { value = 0; return false; }
        value = BinaryPrimitives.ReadUInt64LittleEndian(_span[_position..]);
        _position += 8;
        return true;
    }

    /// <summary>Reads an i64.</summary>
    public bool TryReadInt64(out long value)
    {
        bool ok = TryReadUInt64(out ulong raw);
        value = (long)raw;
        return ok;
    }

    /// <summary>Reads a string: u16 byte length then that many UTF-8 bytes, returned in place.</summary>
    public bool TryReadString(out ReadOnlySpan<byte> utf8)
    {
        utf8 = default;
        if (_span.Length - _position < 2) return false;
        int length = BinaryPrimitives.ReadUInt16LittleEndian(_span[_position..]);
        if (_span.Length - _position - 2 < length) return false;
        utf8 = _span.Slice(_position + 2, length);
        _position += 2 + length;
        return true;
    }

    /// <summary>Reads a blob: u32 byte length then that many bytes, returned in place.</summary>
    public bool TryReadBlob(out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (_span.Length - _position < 4) return false;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_span[_position..]);
        if ((uint)(_span.Length - _position - 4) < length) return false;
        bytes = _span.Slice(_position + 4, (int)length);
        _position += 4 + (int)length;
        return true;
    }

    /// <summary>Reads a topic id (16 bytes, <see cref="TopicIds"/>).</summary>
    public bool TryReadTopicId(out Guid id)
    {
        id = Guid.Empty;
        if (_span.Length - _position < TopicIds.Size) return false;
        id = TopicIds.Read(_span[_position..]);
        _position += TopicIds.Size;
        return true;
    }

    /// <summary>Reads <paramref name="count"/> raw bytes, returned in place.</summary>
    public bool TryReadBytes(int count, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (count < 0 || _span.Length - _position < count) return false;
        bytes = _span.Slice(_position, count);
        _position += count;
        return true;
    }
}
