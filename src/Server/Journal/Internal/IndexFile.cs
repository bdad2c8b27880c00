using System.Buffers.Binary;

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
/// The frame (magic to end position, the CRC) is <see cref="IndexFileFrame"/>'s; it is only trusted when its end
/// position equals the segment's length.
/// </remarks>
internal static class IndexFile
{
    private const uint Magic = 0x5849_4246; // "FBIX" little-endian
    private const int HeaderSize = 40;
    private const int EntrySize = 16;

    /// <summary>Writes the index of <paramref name="segment"/> as it stands (writer thread).</summary>
    public static void Write(ISegmentFileFactory files, Segment segment)
    {
        var entries = segment.Index.Entries;
        byte[] buffer = IndexFileFrame.Start(Magic, HeaderSize, EntrySize, entries.Length, segment, out int length);
        var data = buffer.AsSpan(0, length);
        BinaryPrimitives.WriteInt32LittleEndian(data[32..], entries.Length);
        var body = data[HeaderSize..];
        foreach (var entry in entries)
        {
            BinaryPrimitives.WriteInt64LittleEndian(body, entry.Offset);
            BinaryPrimitives.WriteInt64LittleEndian(body[8..], entry.Position);
            body = body[EntrySize..];
        }
        IndexFileFrame.Finish(files, segment.IndexPath, buffer, length);
    }

    /// <summary>
    /// Loads the index of the segment at <paramref name="baseOffset"/> whose log is <paramref name="segmentLength"/>
    /// bytes long. Returns null, with a reason, when the file is missing, damaged, or describes other bytes.
    /// </summary>
    public static OffsetIndex? TryLoad(ISegmentFileFactory files, string path, long baseOffset, long segmentLength,
        int intervalBytes, out long endOffset, out string problem)
    {
        endOffset = 0;
        if (!IndexFileFrame.TryRead(files, path, Magic, HeaderSize, EntrySize, out byte[] buffer, out int fileLength, out int entryCount, out problem))
            return null;
        try
        {
            var data = buffer.AsSpan(0, fileLength);
            long storedBase = BinaryPrimitives.ReadInt64LittleEndian(data[8..]);
            long storedEndOffset = BinaryPrimitives.ReadInt64LittleEndian(data[16..]);
            long storedEndPosition = BinaryPrimitives.ReadInt64LittleEndian(data[24..]);
            int count = BinaryPrimitives.ReadInt32LittleEndian(data[32..]);
            if (storedBase != baseOffset || storedEndPosition != segmentLength || storedEndOffset < baseOffset
                || count != entryCount)
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
            IndexFileFrame.Return(buffer);
        }
    }
}
