using System.Buffers.Binary;

namespace FastBroker.Wire;

/// <summary>Sequential little-endian writer over a span that the caller sized exactly beforehand.</summary>
public ref struct SpanWriter
{
    private readonly Span<byte> _span;
    private int _position;

    /// <summary>Starts writing at the first byte of <paramref name="span"/>.</summary>
    public SpanWriter(Span<byte> span)
    {
        _span = span;
        _position = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Written => _position;

    /// <summary>Writes a u8.</summary>
    public void WriteByte(byte value)
    {
        _span[_position] = value;
        _position += 1;
    }

    /// <summary>Writes a u16.</summary>
    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_span[_position..], value);
        _position += 2;
    }

    /// <summary>Writes a u32.</summary>
    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_span[_position..], value);
        _position += 4;
    }

    /// <summary>Writes a u64.</summary>
    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_span[_position..], value);
        _position += 8;
    }

    /// <summary>Writes an i64.</summary>
    public void WriteInt64(long value) => WriteUInt64((ulong)value);

    /// <summary>Writes a string: u16 byte length then the UTF-8 bytes.</summary>
    public void WriteString(scoped ReadOnlySpan<byte> utf8)
    {
        WriteUInt16(checked((ushort)utf8.Length));
        WriteBytes(utf8);
    }

    /// <summary>Writes a blob: u32 byte length then the bytes.</summary>
    public void WriteBlob(scoped ReadOnlySpan<byte> bytes)
    {
        WriteUInt32((uint)bytes.Length);
        WriteBytes(bytes);
    }

    /// <summary>Writes raw bytes.</summary>
    public void WriteBytes(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_span[_position..]);
        _position += bytes.Length;
    }

    /// <summary>Writes a topic id (16 bytes, <see cref="TopicIds"/>).</summary>
    public void WriteTopicId(Guid id)
    {
        TopicIds.Write(id, _span[_position..]);
        _position += TopicIds.Size;
    }
}
