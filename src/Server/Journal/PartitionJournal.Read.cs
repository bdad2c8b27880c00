using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using FastBroker.Server.Journal.Internal;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Journal;

public sealed partial class PartitionJournal
{
    /// <summary>
    /// Copies whole batches into <paramref name="destination"/>, starting with the batch that holds
    /// <paramref name="offset"/>: as many as fit, from one segment, never past <see cref="CommittedEndOffset"/>.
    /// Each batch's CRC is checked. Returns no bytes for <c>offset == CommittedEndOffset</c>, and no bytes with
    /// <see cref="JournalReadResult.RequiredBytes"/> set when the first batch does not fit. Any thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="offset"/> is outside [StartOffset, CommittedEndOffset]; this includes an offset whose segment
    /// <see cref="DeleteSegmentsBefore"/> removed while the read was starting.
    /// </exception>
    /// <exception cref="JournalCorruptedException">A stored batch failed its checks.</exception>
    /// <exception cref="ObjectDisposedException">The journal is closed.</exception>
    public JournalReadResult Read(long offset, Span<byte> destination)
    {
        long committed = CommittedEndOffset;
        // Read after the committed offset, so they cover at least everything below it. The start is taken from the
        // same snapshot, so the offset is never below the first segment searched.
        var segments = Volatile.Read(ref _segments);
        if (offset < segments[0].BaseOffset || offset > committed) ThrowOffsetOutOfRange(offset, committed);
        if (offset == committed) return default;
        if (_disposed) ThrowDisposed();

        // The snapshot may be older than a deletion: the pin fails for a segment already retired, and holds off
        // closing its file for the rest of this read when it succeeds.
        var segment = FindSegment(segments, offset);
        if (!segment.TryAcquire()) ThrowSegmentGone(offset, committed);
        try
        {
            return ReadPinned(segment, offset, committed, destination);
        }
        finally
        {
            segment.Release();
        }
    }

    private JournalReadResult ReadPinned(Segment segment, long offset, long committed, Span<byte> destination)
    {
        long end = segment.PublishedEnd;
        if (!segment.Index.TryFind(offset, out var entry))
            throw new JournalCorruptedException(segment.LogPath, SegmentHeader.Size, offset, "the offset index of the segment is empty");

        // Find the batch holding the offset, walking from the index entry (about IndexIntervalBytes at most). The
        // stretch is read into the destination in one call and walked in memory; single header reads are only the
        // fallback when the destination is too small to hold it.
        long position = entry.Position;
        long expected = entry.Offset;
        int skip = 0;
        int buffered = segment.File.Read(destination[..(int)Math.Min(Math.Min(destination.Length, end - position),
            _options.IndexIntervalBytes + LocateChunkBytes)], position);
        Span<byte> scratch = stackalloc byte[RecordBatchHeader.Size];
        int length;
        while (true)
        {
            scoped ReadOnlySpan<byte> header;
            if (buffered >= RecordBatchHeader.Size)
            {
                header = destination.Slice(skip, RecordBatchHeader.Size);
            }
            else
            {
                buffered = 0;
                if (end - position < RecordBatchHeader.Size || segment.File.Read(scratch, position) < RecordBatchHeader.Size)
                    throw new JournalCorruptedException(segment.LogPath, position, expected, "the segment ends before the offset");
                header = scratch;
            }
            length = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(header[RecordBatchHeader.LengthPosition..]), int.MaxValue);
            int records = RecordBatch.ReadRecordCount(header);
            long baseOffset = RecordBatch.ReadBaseOffset(header);
            if (length < RecordBatchHeader.Size || length > end - position || records < 1 || baseOffset != expected)
                throw new JournalCorruptedException(segment.LogPath, position, expected, "bad batch header");
            if (offset < baseOffset + records) break;
            position += length;
            expected = baseOffset + records;
            skip += length;
            buffered -= length;
        }
        if (length > destination.Length) return new JournalReadResult(0, length, 0);

        // Move what was already read of the batch to the front, then read the rest that may fit in one call.
        buffered = Math.Max(buffered, 0);
        if (skip > 0 && buffered > 0) destination.Slice(skip, buffered).CopyTo(destination);
        int wanted = (int)Math.Min(destination.Length, end - position);
        if (buffered < wanted) buffered += segment.File.Read(destination[buffered..wanted], position + buffered);

        // Keep only whole, committed, sound batches.
        int read = buffered;
        int written = 0;
        int batches = 0;
        while (read - written >= RecordBatchHeader.Size)
        {
            var rest = destination[written..read];
            long baseOffset = RecordBatch.ReadBaseOffset(rest);
            if (batches > 0 && baseOffset >= committed) break;
            uint declared = BinaryPrimitives.ReadUInt32LittleEndian(rest[RecordBatchHeader.LengthPosition..]);
            long at = position + written;
            if (declared < RecordBatchHeader.Size || declared > end - at || baseOffset != expected)
                throw new JournalCorruptedException(segment.LogPath, at, expected, "bad batch header");
            if (declared > rest.Length) break;
            var batch = rest[..(int)declared];
            if (!RecordBatch.CrcMatches(batch))
                throw new JournalCorruptedException(segment.LogPath, at, expected, "batch CRC mismatch");
            written += (int)declared;
            batches++;
            expected = baseOffset + RecordBatch.ReadRecordCount(batch);
        }
        if (batches == 0)
            throw new JournalCorruptedException(segment.LogPath, position, expected, "the segment ends inside the batch");
        return new JournalReadResult(written, 0, batches);
    }

    // Read beyond the index gap when locating, so a typical fetch needs no second read for its first batches.
    private const int LocateChunkBytes = 16 * 1024;

    private static Segment FindSegment(Segment[] segments, long offset)
    {
        int low = 0, high = segments.Length - 1;
        while (low < high)
        {
            int middle = low + ((high - low + 1) >> 1);
            if (segments[middle].BaseOffset <= offset) low = middle;
            else high = middle - 1;
        }
        return segments[low];
    }

    [DoesNotReturn]
    private void ThrowSegmentGone(long offset, long committed)
    {
        if (_disposed) ThrowDisposed();
        ThrowOffsetOutOfRange(offset, committed);
    }

    [DoesNotReturn]
    private void ThrowOffsetOutOfRange(long offset, long committed)
        => throw new ArgumentOutOfRangeException(nameof(offset), offset,
            $"Offset must be within [{StartOffset}, {committed}] for journal '{Directory}'.");
}
