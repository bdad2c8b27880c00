using System.Buffers;
using System.Buffers.Binary;
using FastBroker.Server.Journal.Internal;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Journal;

public sealed partial class PartitionJournal
{
    /// <summary>
    /// The first committed offset from <see cref="StartOffset"/> on whose record timestamp is at least
    /// <paramref name="timestampMs"/>, or <see cref="CommittedEndOffset"/> when there is none. Timestamps are the
    /// producers' and need not grow with the offset; this is the first offset at which the running maximum of the
    /// partition's timestamps reaches <paramref name="timestampMs"/> (which is the same offset). Exact to the record:
    /// the time index finds the segment and the batch, the batch's records are walked. Any thread.
    /// </summary>
    /// <remarks>
    /// Batches are found by the max timestamp in their header, as the producer wrote it (brokers do not check it);
    /// records by their own timestamps.
    /// </remarks>
    /// <exception cref="JournalCorruptedException">A stored batch on the way failed its checks.</exception>
    /// <exception cref="ObjectDisposedException">The journal is closed.</exception>
    public long OffsetForTimestamp(long timestampMs)
    {
        while (true)
        {
            long committed = CommittedEndOffset;
            var segments = Volatile.Read(ref _segments);
            if (_disposed) ThrowDisposed();
            bool retry = false;
            foreach (var segment in segments)
            {
                // Segments' maxima are not ordered either, but all of an earlier segment's records are below its maximum.
                if (segment.PublishedMaxTimestamp < timestampMs) continue;
                if (!segment.TryAcquire())
                {
                    // Deleted since the snapshot (or closing): start again from the new start.
                    if (_disposed) ThrowDisposed();
                    retry = true;
                    break;
                }
                long found;
                try
                {
                    found = FindInSegment(segment, timestampMs, committed);
                }
                finally
                {
                    segment.Release();
                }
                if (found >= 0) return Math.Min(found, committed);
            }
            if (!retry) return committed;
        }
    }

    // The first offset below `committed` in the segment whose record is stamped `timestamp` or later, or -1.
    private long FindInSegment(Segment segment, long timestamp, long committed)
    {
        long end = segment.PublishedEnd;
        if (!segment.TimeIndex.TryLocate(timestamp, end, out var from, out var next)) return -1;

        var index = segment.TimeIndex;
        long position = from.Position;
        long offset = from.Offset;
        // Past the interval after `from`, no batch before `next` raises the maximum above `from`'s (see TimeIndex).
        long windowEnd = from.Position + index.IntervalBytes;
        long jumpTo = next?.Position ?? end;
        long jumpOffset = next?.Offset ?? -1;
        Span<byte> header = stackalloc byte[RecordBatchHeader.Size];
        while (position < end && offset < committed)
        {
            if (end - position < RecordBatchHeader.Size || segment.File.Read(header, position) < RecordBatchHeader.Size)
                throw new JournalCorruptedException(segment.LogPath, position, offset, "the segment ends inside a batch header");
            int length = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(header[RecordBatchHeader.LengthPosition..]), int.MaxValue);
            int records = RecordBatch.ReadRecordCount(header);
            if (length < RecordBatchHeader.Size || length > end - position || records < 1 || RecordBatch.ReadBaseOffset(header) != offset)
                throw new JournalCorruptedException(segment.LogPath, position, offset, "bad batch header");

            if (RecordBatch.ReadMaxTimestamp(header) >= timestamp)
            {
                long found = FindInBatch(segment, position, length, offset, timestamp);
                if (found >= 0) return found;
            }
            position += length;
            offset += records;
            if (position >= windowEnd && position < jumpTo)
            {
                if (jumpOffset < 0) return -1;
                position = jumpTo;
                offset = jumpOffset;
            }
        }
        return -1;
    }

    // The batch header's first timestamp field (PROTOCOL.md 6.1).
    private const int FirstTimestampPosition = 24;

    private static long FindInBatch(Segment segment, long position, int length, long baseOffset, long timestamp)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var batch = buffer.AsSpan(0, length);
            if (segment.File.Read(batch, position) < length)
                throw new JournalCorruptedException(segment.LogPath, position, baseOffset, "the segment ends inside the batch");
            if (!RecordBatch.CrcMatches(batch))
                throw new JournalCorruptedException(segment.LogPath, position, baseOffset, "batch CRC mismatch");

            // Record: u32 length, u32 timestamp delta from the batch's first timestamp, ... (PROTOCOL.md 6.2).
            long first = BinaryPrimitives.ReadInt64LittleEndian(batch[FirstTimestampPosition..]);
            int at = RecordBatchHeader.Size;
            long offset = baseOffset;
            while (batch.Length - at >= 8)
            {
                uint recordLength = BinaryPrimitives.ReadUInt32LittleEndian(batch[at..]);
                if (recordLength < 4 || recordLength > (uint)(batch.Length - at - 4)) break;
                if (first + BinaryPrimitives.ReadUInt32LittleEndian(batch[(at + 4)..]) >= timestamp) return offset;
                at += 4 + (int)recordLength;
                offset++;
            }
            return -1;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
