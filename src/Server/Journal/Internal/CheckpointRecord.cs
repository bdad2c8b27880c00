using System.Buffers.Binary;
using FastBroker.Wire;

namespace FastBroker.Server.Journal.Internal;

/// <summary>One slot of the checkpoint file: how far the partition is known to be fsynced, and where it starts.</summary>
/// <remarks>
/// <code>
///  0       4     6     8               16              24              32              40              48        60      64
///  +-------+-----+-----+---------------+---------------+---------------+---------------+---------------+---------+-------+
///  | magic | ver | rsv | sequence      | synced end    | segment base  | file position | log start     | reserved| crc32c|
///  | "FBCP"| u16 | u16 |    u64        | offset i64    | offset i64    | of end i64    | offset i64    | (zero)  | [0,60)|
///  +-------+-----+-----+---------------+---------------+---------------+---------------+---------------+---------+-------+
/// </code>
/// Every offset below <see cref="EndOffset"/> was fsynced; it ends at <see cref="Position"/> of the segment
/// whose base offset is <see cref="SegmentBaseOffset"/>. <see cref="StartOffset"/> is the base offset of the first
/// segment the log keeps: segment files below it are left over from a deletion and are removed at open. It sat in
/// reserved (zero) bytes before, so an older slot reads as a log starting at 0. The higher valid sequence of the
/// two slots wins.
/// </remarks>
internal readonly record struct CheckpointRecord(long Sequence, long EndOffset, long SegmentBaseOffset, long Position, long StartOffset)
{
    public const int Size = 64;

    public const ushort CurrentVersion = 1;

    private const uint Magic = 0x5043_4246; // "FBCP" little-endian
    private const int CrcPosition = 60;

    public void Write(Span<byte> destination)
    {
        var slot = destination[..Size];
        slot.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(slot, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(slot[4..], CurrentVersion);
        BinaryPrimitives.WriteInt64LittleEndian(slot[8..], Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(slot[16..], EndOffset);
        BinaryPrimitives.WriteInt64LittleEndian(slot[24..], SegmentBaseOffset);
        BinaryPrimitives.WriteInt64LittleEndian(slot[32..], Position);
        BinaryPrimitives.WriteInt64LittleEndian(slot[40..], StartOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(slot[CrcPosition..], Crc32C.Compute(slot[..CrcPosition]));
    }

    /// <summary>Parses a slot; false when it is empty, torn or of another version.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out CheckpointRecord record)
    {
        record = default;
        if (source.Length < Size
            || BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic
            || BinaryPrimitives.ReadUInt16LittleEndian(source[4..]) != CurrentVersion
            || BinaryPrimitives.ReadUInt32LittleEndian(source[CrcPosition..]) != Crc32C.Compute(source[..CrcPosition]))
        {
            return false;
        }
        record = new CheckpointRecord(
            BinaryPrimitives.ReadInt64LittleEndian(source[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[40..]));
        return record.Sequence > 0 && record.EndOffset >= 0 && record.Position >= SegmentHeader.Size
            && record.StartOffset >= 0 && record.StartOffset <= record.SegmentBaseOffset;
    }
}
