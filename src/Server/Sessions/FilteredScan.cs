using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FastBroker.Server.Journal;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Filters;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Sessions;

/// <summary>
/// The read side of FetchFiltered (PROTOCOL.md section 5.8.1): reads a partition's stored batches from an offset,
/// tests each record against the filter in place, keeps the batches that hold a match (as stored, moved down over
/// the ones dropped) and builds the response frame from them. Nothing is allocated per record or per batch.
/// </summary>
internal static class FilteredScan
{
    /// <summary>Most batch bytes one request reads before it answers, matches or not (PROTOCOL.md section 5.8.1).</summary>
    public const int BudgetBytes = 8 * 1024 * 1024;

    // Journal reads go in chunks of this size; a batch larger than a chunk is read on its own.
    private const int ChunkBytes = 256 * 1024;

    // A scan runs synchronously, on a receive loop or a long poll's continuation: one range list per thread.
    [ThreadStatic] private static List<FetchRange>? t_ranges;

    /// <summary>
    /// Scans from <paramref name="offset"/> (within the journal's range) and returns the response frame. Matching
    /// batches are collected until the next would take the batch bytes over <paramref name="maxBytes"/> (the first
    /// always goes), the body over <paramref name="maxFrameBytes"/>, <see cref="BudgetBytes"/> have been read, or
    /// the committed end is reached. Expired records (PROTOCOL.md section 6.6) never match.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The offset is outside the journal (retention moved its start).</exception>
    /// <exception cref="JournalCorruptedException">A stored batch or record failed its checks.</exception>
    public static FilteredScanResult Run(PartitionJournal journal, long offset, MessageFilter filter, long nowMs, int maxBytes,
        int maxFrameBytes, uint requestId)
    {
        var ranges = t_ranges ??= new List<FetchRange>(64);
        ranges.Clear();
        int head = FrameWriter.FetchFilteredPrefixSize(0);
        byte[] buffer = BatchBuffers.Pool.Rent(head + ChunkBytes);
        try
        {
            int kept = head;
            long position = offset;
            long scanned = 0;
            bool reachedEnd = false;
            bool full = false;
            while (!full && scanned < BudgetBytes)
            {
                // The chunk is read after the batches kept so far; the ones without a match are overwritten by the next.
                BatchBuffers.EnsureCapacity(ref buffer, kept + ChunkBytes, kept);
                var read = journal.Read(position, buffer.AsSpan(kept, ChunkBytes));
                if (read.BytesWritten == 0 && read.RequiredBytes > 0)
                {
                    BatchBuffers.EnsureCapacity(ref buffer, kept + read.RequiredBytes, kept);
                    read = journal.Read(position, buffer.AsSpan(kept, read.RequiredBytes));
                }
                if (read.BytesWritten == 0)
                {
                    reachedEnd = true;
                    break;
                }

                int at = kept;
                int stop = kept + read.BytesWritten;
                while (at < stop && scanned < BudgetBytes)
                {
                    var batch = buffer.AsSpan(at, (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(at + RecordBatchHeader.LengthPosition)));
                    long baseOffset = RecordBatch.ReadBaseOffset(batch);
                    int rangesBefore = ranges.Count;
                    int lastCount = rangesBefore > 0 ? ranges[rangesBefore - 1].Count : 0;
                    if (Collect(journal, batch, position, filter, nowMs, ranges))
                    {
                        int keptBytes = kept - head;
                        long body = FetchFilteredResponse.PrefixSize + (long)ranges.Count * FetchRange.Size + keptBytes + batch.Length;
                        if (keptBytes > 0 && (keptBytes + batch.Length > maxBytes || body > maxFrameBytes))
                        {
                            // This batch waits for the next request: forget its matches, including one that extended
                            // the previous batch's last range.
                            ranges.RemoveRange(rangesBefore, ranges.Count - rangesBefore);
                            if (rangesBefore > 0) ranges[rangesBefore - 1] = ranges[rangesBefore - 1] with { Count = lastCount };
                            full = true;
                            break;
                        }
                        if (at != kept) Buffer.BlockCopy(buffer, at, buffer, kept, batch.Length);
                        kept += batch.Length;
                    }
                    at += batch.Length;
                    scanned += batch.Length;
                    position = baseOffset + RecordBatch.ReadRecordCount(batch);
                }
            }

            // The ranges go between the fixed fields and the batches: move the batches up to make room for them.
            int rangeBytes = ranges.Count * FetchRange.Size;
            int batchBytes = kept - head;
            BatchBuffers.EnsureCapacity(ref buffer, kept + rangeBytes, kept);
            if (rangeBytes > 0) Buffer.BlockCopy(buffer, head, buffer, head + rangeBytes, batchBytes);
            FrameWriter.WriteFetchFilteredPrefix(buffer, requestId, journal.StartOffset, journal.CommittedEndOffset, position,
                CollectionsMarshal.AsSpan(ranges), batchBytes);
            var result = new FilteredScanResult(buffer, kept + rangeBytes, position, ranges.Count, reachedEnd);
            buffer = null!;
            return result;
        }
        finally
        {
            if (buffer is not null) BatchBuffers.Pool.Return(buffer);
            ranges.Clear();
        }
    }

    // Adds the offsets of the batch's records from `from` on that pass the filter and have not expired, merging
    // consecutive ones into one range. True when there was at least one.
    private static bool Collect(PartitionJournal journal, ReadOnlySpan<byte> batch, long from, MessageFilter filter, long nowMs,
        List<FetchRange> ranges)
    {
        var reader = new RecordBatchReader(batch);
        bool any = false;
        RecordReadStatus status;
        while ((status = reader.TryReadNext(out var record)) == RecordReadStatus.Ok)
        {
            if (record.Offset < from || !filter.Matches(record) || MessageExpiry.IsExpired(record, nowMs)) continue;
            any = true;
            int last = ranges.Count - 1;
            if (last >= 0 && ranges[last].End == record.Offset) ranges[last] = ranges[last] with { Count = ranges[last].Count + 1 };
            else ranges.Add(new FetchRange(record.Offset, 1));
        }
        if (status == RecordReadStatus.Malformed)
            throw new JournalCorruptedException(journal.Directory, -1, RecordBatch.ReadBaseOffset(batch), "a record of the batch does not parse");
        return any;
    }
}
