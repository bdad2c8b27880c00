using System.Buffers.Binary;

namespace FastBroker.Server.Journal.Internal;

/// <summary>The persisted sparse time index of a segment, <c>{baseOffset:D20}.tix</c>.</summary>
/// <remarks>
/// <code>
///  0       4     6     8               16              24              32              40      44      48
///  +-------+-----+-----+---------------+---------------+---------------+---------------+-------+-------+-----------------------+-------+
///  | magic | ver | rsv | segment base  | end offset    | end position  | max timestamp | count | rsv   | entries               | crc32c|
///  | "FBTX"| u16 | u16 | offset i64    |     i64       |     i64       |     i64       |  i32  | u32   | count x (ts i64,      | all   |
///  |       |     |     |               |               |               |               |       |       |  offset i64, pos i64) |       |
///  +-------+-----+-----+---------------+---------------+---------------+---------------+-------+-------+-----------------------+-------+
/// </code>
/// Written and trusted like the offset index (<see cref="IndexFile"/>): not fsynced, because it can always be rebuilt
/// by scanning the segment, and only trusted when its CRC holds, it describes exactly the segment's bytes, and its
/// entries increase in timestamp, offset and position.
/// </remarks>
internal static class TimeIndexFile
{
    private const uint Magic = 0x5854_4246; // "FBTX" little-endian
    private const int HeaderSize = 48;
    private const int EntrySize = 24;

    /// <summary>Writes the time index of <paramref name="segment"/> as it stands (writer thread).</summary>
    public static void Write(ISegmentFileFactory files, Segment segment)
    {
        var index = segment.TimeIndex;
        var entries = index.Entries;
        byte[] buffer = IndexFileFrame.Start(Magic, HeaderSize, EntrySize, entries.Length, segment, out int length);
        var data = buffer.AsSpan(0, length);
        BinaryPrimitives.WriteInt64LittleEndian(data[32..], index.MaxTimestamp);
        BinaryPrimitives.WriteInt32LittleEndian(data[40..], entries.Length);
        var body = data[HeaderSize..];
        foreach (var entry in entries)
        {
            BinaryPrimitives.WriteInt64LittleEndian(body, entry.Timestamp);
            BinaryPrimitives.WriteInt64LittleEndian(body[8..], entry.Offset);
            BinaryPrimitives.WriteInt64LittleEndian(body[16..], entry.Position);
            body = body[EntrySize..];
        }
        IndexFileFrame.Finish(files, segment.TimeIndexPath, buffer, length);
    }

    /// <summary>
    /// Loads the time index of the segment at <paramref name="baseOffset"/> whose log is <paramref name="segmentLength"/>
    /// bytes long and ends before <paramref name="endOffset"/>. Returns null, with a reason, when the file is missing,
    /// damaged, or describes other bytes.
    /// </summary>
    public static TimeIndex? TryLoad(ISegmentFileFactory files, string path, long baseOffset, long segmentLength, long endOffset,
        int intervalBytes, out string problem)
    {
        if (!IndexFileFrame.TryRead(files, path, Magic, HeaderSize, EntrySize, out byte[] buffer, out int fileLength, out int entryCount, out problem))
            return null;
        try
        {
            var data = buffer.AsSpan(0, fileLength);
            long storedBase = BinaryPrimitives.ReadInt64LittleEndian(data[8..]);
            long storedEndOffset = BinaryPrimitives.ReadInt64LittleEndian(data[16..]);
            long storedEndPosition = BinaryPrimitives.ReadInt64LittleEndian(data[24..]);
            long maxTimestamp = BinaryPrimitives.ReadInt64LittleEndian(data[32..]);
            int count = BinaryPrimitives.ReadInt32LittleEndian(data[40..]);
            if (storedBase != baseOffset || storedEndPosition != segmentLength || storedEndOffset != endOffset
                || count != entryCount)
            {
                problem = "it describes a different segment or length";
                return null;
            }

            var entries = new TimeIndexEntry[Math.Max(count, 1)];
            var body = data[HeaderSize..];
            var previous = new TimeIndexEntry(long.MinValue, baseOffset - 1, SegmentHeader.Size - 1);
            for (int i = 0; i < count; i++)
            {
                var entry = new TimeIndexEntry(BinaryPrimitives.ReadInt64LittleEndian(body), BinaryPrimitives.ReadInt64LittleEndian(body[8..]),
                    BinaryPrimitives.ReadInt64LittleEndian(body[16..]));
                body = body[EntrySize..];
                if ((i > 0 && entry.Timestamp <= previous.Timestamp) || entry.Offset <= previous.Offset || entry.Offset >= endOffset
                    || entry.Position <= previous.Position || entry.Position >= segmentLength || entry.Timestamp > maxTimestamp)
                {
                    problem = "entries out of order or out of range";
                    return null;
                }
                entries[i] = entry;
                previous = entry;
            }
            bool empty = endOffset == baseOffset;
            if (count > 0 ? entries[0].Offset != baseOffset || entries[0].Position != SegmentHeader.Size || empty
                : !empty || maxTimestamp != TimeIndex.NoTimestamp)
            {
                problem = "the first entry is not the first batch";
                return null;
            }

            problem = "";
            return new TimeIndex(intervalBytes, entries, count, maxTimestamp);
        }
        finally
        {
            IndexFileFrame.Return(buffer);
        }
    }
}
