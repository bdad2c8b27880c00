using System.Buffers.Binary;
using FastBroker.Wire;

namespace FastBroker.Server.Journal.Internal;

/// <summary>The fixed header at the start of every segment file; batches follow it.</summary>
/// <remarks>
/// <code>
///  0                 8       10      12      16              24              32                      60      64
///  +-----------------+-------+-------+-------+---------------+---------------+-----------------------+-------+
///  | magic "FBSEG"   | format| header| rsv   | base offset   | created (unix | reserved (zero)       | crc32c|
///  | + 3 zero bytes  |  u16  | size  | u32   |     i64       |  ms) i64      |                       | [0,60)|
///  +-----------------+-------+-------+-------+---------------+---------------+-----------------------+-------+
/// </code>
/// The base offset must equal the one in the file name, so a renamed or misplaced file is caught at open.
/// </remarks>
internal readonly record struct SegmentHeader(long BaseOffset, long CreatedUnixMs)
{
    /// <summary>Encoded size; the first batch of a segment starts here.</summary>
    public const int Size = 64;

    /// <summary>The segment format this code writes and reads.</summary>
    public const ushort CurrentVersion = 1;

    private const ulong Magic = 0x0000_0047_4553_4246; // "FBSEG\0\0\0" little-endian
    private const int CrcPosition = 60;

    public void Write(Span<byte> destination)
    {
        var header = destination[..Size];
        header.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], Size);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], BaseOffset);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], CreatedUnixMs);
        BinaryPrimitives.WriteUInt32LittleEndian(header[CrcPosition..], Crc32C.Compute(header[..CrcPosition]));
    }

    /// <summary>Parses a header; false (with a reason) when magic, version, size or CRC is wrong.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out SegmentHeader header, out string problem)
    {
        header = default;
        if (source.Length < Size)
        {
            problem = "the file is shorter than a segment header";
            return false;
        }
        if (BinaryPrimitives.ReadUInt64LittleEndian(source) != Magic)
        {
            problem = "bad segment magic";
            return false;
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(source[CrcPosition..]) != Crc32C.Compute(source[..CrcPosition]))
        {
            problem = "segment header CRC mismatch";
            return false;
        }
        if (BinaryPrimitives.ReadUInt16LittleEndian(source[8..]) != CurrentVersion
            || BinaryPrimitives.ReadUInt16LittleEndian(source[10..]) != Size)
        {
            problem = "unsupported segment format version";
            return false;
        }
        header = new SegmentHeader(BinaryPrimitives.ReadInt64LittleEndian(source[16..]), BinaryPrimitives.ReadInt64LittleEndian(source[24..]));
        problem = "";
        return true;
    }
}
