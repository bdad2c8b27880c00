using System.Buffers;
using System.Buffers.Binary;
using FastBroker.Wire;

namespace FastBroker.Server.Journal.Internal;

/// <summary>The persisted sparse index of a segment, <c>{baseOffset:D20}.idx</c>.</summary>
/// <remarks>
/// <code>
///  0       4     6     8               16              24              32      36      40
///  +-------+-----+-----+---------------+---------------+---------------+-------+-------+------------------+-------+
///  | magic | ver | rsv | segment base  | end offset    | end position  | count | rsv   | entries          | crc32c|
///  | "FBIX"| u16 | u16 | offset i64    |     i64       |     i64       |  i32  | u32   | count x (i64,i64)| all   |
///  +-------+-----+-----+---------------+---------------+---------------+-------+-------+------------------+-------+
/// </code>
/// Not fsynced: it can always be rebuilt by scanning the segment, and it is only trusted when its CRC holds and
/// its end position equals the segment's length.
/// </remarks>
internal static class IndexFile
{
    private const uint Magic = 0x5849_4246; // "FBIX" little-endian
    private const ushort CurrentVersion = 1;
    private const int HeaderSize = 40;
    private const int EntrySize = 16;

    /// <summary>Writes the index of <paramref name="segment"/> as it stands (writer thread).</summary>
    public static void Write(ISegmentFileFactory files, Segment segment)
    {
        var entries = segment.Index.Entries;
        int length = HeaderSize + entries.Length * EntrySize + 4;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var data = buffer.AsSpan(0, length);
            data[..HeaderSize].Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(data, Magic);
            BinaryPrimitives.WriteUInt16LittleEndian(data[4..], CurrentVersion);
            BinaryPrimitives.WriteInt64LittleEndian(data[8..], segment.BaseOffset);
            BinaryPrimitives.WriteInt64LittleEndian(data[16..], segment.EndOffset);
            BinaryPrimitives.WriteInt64LittleEndian(data[24..], segment.WrittenEnd);
            BinaryPrimitives.WriteInt32LittleEndian(data[32..], entries.Length);
            var body = data[HeaderSize..];
            foreach (var entry in entries)
            {
                BinaryPrimitives.WriteInt64LittleEndian(body, entry.Offset);
                BinaryPrimitives.WriteInt64LittleEndian(body[8..], entry.Position);
                body = body[EntrySize..];
            }
            BinaryPrimitives.WriteUInt32LittleEndian(body, Crc32C.Compute(data[..^4]));

            using var file = files.Open(segment.IndexPath, FileMode.Create, FileAccess.Write);
            file.Write(data, 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Loads the index of the segment at <paramref name="baseOffset"/> whose log is <paramref name="segmentLength"/>
    /// bytes long. Returns null, with a reason, when the file is missing, damaged, or describes other bytes.
    /// </summary>
    public static OffsetIndex? TryLoad(ISegmentFileFactory files, string path, long baseOffset, long segmentLength,
        int intervalBytes, out long endOffset, out string problem)
    {
        endOffset = 0;
        if (!File.Exists(path))
        {
            problem = "missing";
            return null;
        }

        using var file = files.Open(path, FileMode.Open, FileAccess.Read);
        long fileLength = file.Length;
        if (fileLength < HeaderSize + 4 || fileLength > int.MaxValue || (fileLength - HeaderSize - 4) % EntrySize != 0)
        {
            problem = "bad length";
            return null;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)fileLength);
        try
        {
            var data = buffer.AsSpan(0, (int)fileLength);
            if (file.Read(data, 0) != data.Length)
            {
                problem = "short read";
                return null;
            }
            if (BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]) != Crc32C.Compute(data[..^4])
                || BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic
                || BinaryPrimitives.ReadUInt16LittleEndian(data[4..]) != CurrentVersion)
            {
                problem = "bad magic, version or CRC";
                return null;
            }

            long storedBase = BinaryPrimitives.ReadInt64LittleEndian(data[8..]);
            long storedEndOffset = BinaryPrimitives.ReadInt64LittleEndian(data[16..]);
            long storedEndPosition = BinaryPrimitives.ReadInt64LittleEndian(data[24..]);
            int count = BinaryPrimitives.ReadInt32LittleEndian(data[32..]);
            if (storedBase != baseOffset || storedEndPosition != segmentLength || storedEndOffset < baseOffset
                || count != (data.Length - HeaderSize - 4) / EntrySize)
            {
                problem = "it describes a different segment or length";
                return null;
            }

            var entries = new IndexEntry[Math.Max(count, 1)];
            var body = data[HeaderSize..];
            long previousOffset = baseOffset - 1, previousPosition = SegmentHeader.Size - 1;
            for (int i = 0; i < count; i++)
            {
                var entry = new IndexEntry(BinaryPrimitives.ReadInt64LittleEndian(body), BinaryPrimitives.ReadInt64LittleEndian(body[8..]));
                body = body[EntrySize..];
                if (entry.Offset <= previousOffset || entry.Offset >= storedEndOffset
                    || entry.Position <= previousPosition || entry.Position >= segmentLength)
                {
                    problem = "entries out of order or out of range";
                    return null;
                }
                entries[i] = entry;
                previousOffset = entry.Offset;
                previousPosition = entry.Position;
            }
            if (count > 0 ? entries[0] != new IndexEntry(baseOffset, SegmentHeader.Size) : storedEndOffset != baseOffset)
            {
                problem = "the first entry is not the first batch";
                return null;
            }

            endOffset = storedEndOffset;
            problem = "";
            return new OffsetIndex(intervalBytes, entries, count);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
