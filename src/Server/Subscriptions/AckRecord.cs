using System.Buffers.Binary;
using FastBroker.Wire;

namespace FastBroker.Server.Subscriptions;

/// <summary>
/// The fixed-size record of the ack log:
/// <code>
/// 0        4      5           9          17         25
/// +--------+------+-----------+----------+----------+
/// | crc32c | kind | partition |    a     |    b     |
/// |  u32   |  u8  |    u32    |   i64    |   i64    |
/// +--------+------+-----------+----------+----------+
/// </code>
/// The CRC-32C covers bytes 4..25. A record that is short or fails its CRC ends the log (a torn write).
/// </summary>
internal static class AckRecord
{
    public const int Size = 25;
    private const int PayloadSize = Size - 4;

    public static void Write(Span<byte> destination, AckRecordKind kind, int partition, long a, long b)
    {
        destination[4] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(destination[5..], partition);
        BinaryPrimitives.WriteInt64LittleEndian(destination[9..], a);
        BinaryPrimitives.WriteInt64LittleEndian(destination[17..], b);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Crc32C.Compute(destination.Slice(4, PayloadSize)));
    }

    public static bool TryRead(ReadOnlySpan<byte> source, out AckRecordKind kind, out int partition, out long a, out long b)
    {
        kind = default;
        partition = 0;
        a = b = 0;
        if (source.Length < Size) return false;
        if (BinaryPrimitives.ReadUInt32LittleEndian(source) != Crc32C.Compute(source.Slice(4, PayloadSize))) return false;
        kind = (AckRecordKind)source[4];
        partition = BinaryPrimitives.ReadInt32LittleEndian(source[5..]);
        a = BinaryPrimitives.ReadInt64LittleEndian(source[9..]);
        b = BinaryPrimitives.ReadInt64LittleEndian(source[17..]);
        return kind is >= AckRecordKind.Ack and <= AckRecordKind.Snapshot && partition >= 0;
    }
}
