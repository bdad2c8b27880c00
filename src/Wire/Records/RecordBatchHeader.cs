using System.Buffers.Binary;

namespace FastBroker.Wire.Records;

/// <summary>Header of a record batch: the unit that is published, stored on disk and delivered, byte for byte.</summary>
/// <remarks>
/// <code>
///  0               8       12      16   18   20      24              32              40              48      52   54   56
///  +---------------+-------+-------+----+----+-------+---------------+---------------+---------------+-------+----+----+
///  | base offset   | length| crc32c| ver|attr| count | first ts (ms) | max ts (ms)   | producer id   | base  |epo-|rsv |
///  |   u64         |  u32  |  u32  | u16| u16|  u32  |     i64       |     i64       |     i64       | seq   |ch  |u16 |
///  |               |       |       |    |    |       |               |               |               |  i32  |i16 |    |
///  +---------------+-------+-------+----+----+-------+---------------+---------------+---------------+-------+----+----+
/// </code>
/// <c>length</c> counts the whole batch, header included. <c>crc32c</c> covers bytes [16, length), so the broker
/// assigns <c>base offset</c> without recomputing it. Producer id, epoch and base sequence are -1 until
/// idempotent producers exist; attributes bits 0-2 name a compression codec (0 = none), bit 3 marks a
/// transactional batch; v1 brokers accept only attributes 0.
/// </remarks>
public readonly record struct RecordBatchHeader(
    long BaseOffset,
    int Length,
    uint Crc,
    ushort FormatVersion,
    ushort Attributes,
    int RecordCount,
    long FirstTimestamp,
    long MaxTimestamp,
    long ProducerId,
    int BaseSequence,
    short ProducerEpoch)
{
    /// <summary>Encoded header size in bytes.</summary>
    public const int Size = 56;

    /// <summary>The batch format this library writes and accepts.</summary>
    public const ushort CurrentFormatVersion = 1;

    /// <summary>Start of the bytes covered by the CRC.</summary>
    public const int CrcStart = 16;

    /// <summary>Offset of the base offset field.</summary>
    public const int BaseOffsetPosition = 0;

    /// <summary>Offset of the length field.</summary>
    public const int LengthPosition = 8;

    /// <summary>Offset of the CRC field.</summary>
    public const int CrcPosition = 12;

    /// <summary>Offset of the record count field.</summary>
    public const int RecordCountPosition = 20;

    /// <summary>Offset of the max timestamp field.</summary>
    public const int MaxTimestampPosition = 32;

    /// <summary>
    /// Checks what a header alone can tell, in this order: a length from <see cref="Size"/> up to
    /// <paramref name="available"/> bytes, the current format version, no attribute bits, at least one record. The
    /// one place these rules live: the broker's publish check, the journal's recovery scan and the client's fetch
    /// decoders all call it (each then checks the CRC over the whole batch).
    /// </summary>
    public static BatchHeaderProblem Check(in RecordBatchHeader header, long available)
    {
        if (header.Length < Size) return BatchHeaderProblem.LengthBelowHeader;
        if (header.Length > available) return BatchHeaderProblem.PastEnd;
        if (header.FormatVersion != CurrentFormatVersion) return BatchHeaderProblem.UnknownFormatVersion;
        if (header.Attributes != 0) return BatchHeaderProblem.UnsupportedAttributes;
        if (header.RecordCount < 1) return BatchHeaderProblem.NoRecords;
        return BatchHeaderProblem.None;
    }

    /// <summary>Offset of the last offset in the batch.</summary>
    public long LastOffset => BaseOffset + RecordCount - 1;

    /// <summary>Reads the header from the first <see cref="Size"/> bytes of <paramref name="source"/>.</summary>
    public static RecordBatchHeader Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadInt64LittleEndian(source),
        (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(source[8..]), int.MaxValue),
        BinaryPrimitives.ReadUInt32LittleEndian(source[12..]),
        BinaryPrimitives.ReadUInt16LittleEndian(source[16..]),
        BinaryPrimitives.ReadUInt16LittleEndian(source[18..]),
        (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(source[20..]), int.MaxValue),
        BinaryPrimitives.ReadInt64LittleEndian(source[24..]),
        BinaryPrimitives.ReadInt64LittleEndian(source[32..]),
        BinaryPrimitives.ReadInt64LittleEndian(source[40..]),
        BinaryPrimitives.ReadInt32LittleEndian(source[48..]),
        BinaryPrimitives.ReadInt16LittleEndian(source[52..]));

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, BaseOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], Crc);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[16..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[18..], Attributes);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], (uint)RecordCount);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], FirstTimestamp);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], MaxTimestamp);
        BinaryPrimitives.WriteInt64LittleEndian(destination[40..], ProducerId);
        BinaryPrimitives.WriteInt32LittleEndian(destination[48..], BaseSequence);
        BinaryPrimitives.WriteInt16LittleEndian(destination[52..], ProducerEpoch);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[54..], 0);
    }
}
