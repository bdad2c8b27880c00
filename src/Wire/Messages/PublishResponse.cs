using System.Buffers.Binary;

namespace FastBroker.Wire.Messages;

//  0           8       12          16          24
//  +-----------+-------+-----------+-----------+----
//  |base offset| count | index u32 | orig i64  | ... count times (12 bytes each)
//  |   i64     |  u32  |           |           |
//  +-----------+-------+-----------+-----------+----
/// <summary>
/// The Publish response body (PROTOCOL.md section 5.7): base offset, then optionally count and the duplicates.
/// The count and the duplicates are there only when the broker removed duplicates (section 6.8); count is then ≥ 1,
/// and base offset is that of the first stored record, or −1 when none was stored. A plain answer is 8 bytes.
/// </summary>
public static class PublishResponse
{
    /// <summary>Bytes of a plain answer (base offset only).</summary>
    public const int PlainSize = 8;

    /// <summary>Bytes of one duplicate entry.</summary>
    public const int DuplicateSize = 12;

    /// <summary>The body length of an answer with <paramref name="duplicates"/> duplicates.</summary>
    public static int BodyLength(int duplicates) => duplicates == 0 ? PlainSize : PlainSize + 4 + duplicates * DuplicateSize;

    /// <summary>
    /// Checks a body: true with the base offset and the number of duplicates (0 for a plain answer) when it is exactly
    /// 8 bytes, or 12 + 12 × count bytes with count ≥ 1; false for anything else.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out long baseOffset, out int duplicates)
    {
        baseOffset = 0;
        duplicates = 0;
        if (body.Length < PlainSize) return false;
        baseOffset = BinaryPrimitives.ReadInt64LittleEndian(body);
        if (body.Length == PlainSize) return true;
        if (body.Length < PlainSize + 4) return false;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(body[PlainSize..]);
        if (count == 0 || count > (uint)((body.Length - PlainSize - 4) / DuplicateSize)
            || body.Length != PlainSize + 4 + (int)count * DuplicateSize)
            return false;
        duplicates = (int)count;
        return true;
    }

    /// <summary>The duplicate entry number <paramref name="index"/> of a body <see cref="TryParse"/> accepted.</summary>
    public static PublishDuplicate ReadDuplicate(ReadOnlySpan<byte> body, int index)
    {
        var entry = body.Slice(PlainSize + 4 + index * DuplicateSize, DuplicateSize);
        uint record = BinaryPrimitives.ReadUInt32LittleEndian(entry);
        return new PublishDuplicate((int)Math.Min(record, int.MaxValue), BinaryPrimitives.ReadInt64LittleEndian(entry[4..]));
    }

    /// <summary>Writes the body for <paramref name="duplicates"/> (empty for a plain answer) into
    /// <paramref name="destination"/>, which holds <see cref="BodyLength"/> bytes; returns the bytes written.</summary>
    public static int WriteBody(Span<byte> destination, long baseOffset, ReadOnlySpan<PublishDuplicate> duplicates)
    {
        int length = BodyLength(duplicates.Length);
        if (destination.Length < length) throw new ArgumentException("The destination is too small.", nameof(destination));
        BinaryPrimitives.WriteInt64LittleEndian(destination, baseOffset);
        if (duplicates.IsEmpty) return length;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[PlainSize..], (uint)duplicates.Length);
        int position = PlainSize + 4;
        foreach (var duplicate in duplicates)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[position..], (uint)duplicate.RecordIndex);
            BinaryPrimitives.WriteInt64LittleEndian(destination[(position + 4)..], duplicate.OriginalOffset);
            position += DuplicateSize;
        }
        return length;
    }
}
