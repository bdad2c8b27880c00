using System.Buffers.Binary;
using FastBroker.Server.Topics;
using FastBroker.Wire.Filters;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Subscriptions;

internal sealed partial class SharedSubscription
{
    // A scan reads the journal in chunks of this size into one pooled buffer.
    private const int ScanChunkBytes = 256 * 1024;

    // How much a receive may read to find matching messages before it answers with what it has (or waits), and how
    // much the tick and a stats request read, so depth is right with no consumer; both keep a connection's loop short.
    internal const long InlineScanBytes = 4L << 20;
    internal const long TickScanBytes = 16L << 20;

    private readonly MessageFilter? _filter;
    // Per partition: 1 while one thread scans it; the others use the frontier as it is.
    private readonly int[] _scanning;
    // Per partition, reused by whoever holds the scan flag: the judged runs of one scan.
    private readonly List<ScanRun>[] _scanRuns;
    private long _filtered;
    private long _expired;

    /// <summary>The filter, or null when the subscription has none.</summary>
    public MessageFilter? Filter => _filter;

    /// <summary>
    /// Judges messages past the scan frontier of <paramref name="partition"/>, reading at most about
    /// <paramref name="budgetBytes"/>: those the filter excludes and expired ones are settled (expired ones
    /// dead-lettered when the subscription says so), and the frontier moves past them. Reads outside the lock;
    /// applies the results under it. True when it made messages deliverable. Does nothing while another thread scans
    /// the partition or when the subscription has no filter.
    /// </summary>
    internal bool Scan(int partition, long budgetBytes)
    {
        if (_filter is null || _closed) return false;
        if (Interlocked.CompareExchange(ref _scanning[partition], 1, 0) != 0) return false;
        try
        {
            return ScanOnce(partition, budgetBytes);
        }
        finally
        {
            Volatile.Write(ref _scanning[partition], 0);
        }
    }

    /// <summary>Whether the partition has committed messages the scan has not judged yet (and room to judge them).</summary>
    private bool ScanBehind(int partition, long end)
    {
        if (_filter is null) return false;
        var state = _states[partition];
        lock (state.Gate) return state.Scanned < state.ScanEnd(end);
    }

    private bool ScanOnce(int partition, long budgetBytes)
    {
        if (!_topic.Partitions[partition].TryGetJournal(out var journal, out _)) return false;
        var state = _states[partition];
        long end = journal.CommittedEndOffset;
        long from, limit;
        lock (state.Gate)
        {
            from = state.Scanned;
            limit = state.ScanEnd(end);
        }
        if (from >= limit) return false;

        var runs = _scanRuns[partition];
        runs.Clear();
        long now = NowMs;
        long at = Judge(journal, from, limit, budgetBytes, now, runs);
        if (at <= from) return false;

        long filtered = 0, expired = 0;
        bool deliverable;
        lock (state.Gate)
        {
            long floor = state.Floor;
            foreach (var run in runs)
            {
                for (long offset = run.First; offset < run.First + run.Count; offset++)
                {
                    if (run.Kind == ScanRunKind.Filtered)
                    {
                        if (state.SettleUnscanned(offset)) filtered++;
                    }
                    else if (Settings.DeadLetterExpired)
                    {
                        state.DeadLetterUnscanned(offset);
                    }
                    else if (state.SettleUnscanned(offset))
                    {
                        expired++;
                    }
                }
            }
            state.FinishScan(at);
            DrainLocked(partition, state);
            NoteFloorLocked(partition, state, floor);
            deliverable = state.Next < state.DeliverableEnd(end);
        }
        runs.Clear();
        if (filtered > 0) Interlocked.Add(ref _filtered, filtered);
        if (expired > 0) Interlocked.Add(ref _expired, expired);
        if (deliverable) Wake();
        return deliverable;
    }

    // Reads batches from `from` and records, as runs, the offsets below `limit` that need no delivery. Returns the
    // offset up to which every record was judged. Allocation-free: a pooled buffer and the reused run list.
    private long Judge(Journal.PartitionJournal journal, long from, long limit, long budgetBytes, long now, List<ScanRun> runs)
    {
        byte[] buffer = BatchBuffers.Pool.Rent(ScanChunkBytes);
        long at = from;
        long read = 0;
        try
        {
            while (at < limit && read < budgetBytes)
            {
                if (!TryRead(journal, at, buffer, out var result)) break;
                if (result.BytesWritten == 0)
                {
                    if (result.RequiredBytes <= buffer.Length) break;
                    // One batch larger than a chunk: read it on its own.
                    BatchBuffers.Pool.Return(buffer);
                    buffer = BatchBuffers.Pool.Rent(result.RequiredBytes);
                    continue;
                }
                read += result.BytesWritten;
                var batches = buffer.AsSpan(0, result.BytesWritten);
                int position = 0;
                while (position < batches.Length && at < limit)
                {
                    int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(batches[(position + RecordBatchHeader.LengthPosition)..]);
                    var batch = batches.Slice(position, length);
                    position += length;
                    long batchEnd = RecordBatch.ReadBaseOffset(batch) + RecordBatch.ReadRecordCount(batch);
                    var reader = new RecordBatchReader(batch);
                    while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
                    {
                        long offset = record.Offset;
                        if (offset < at) continue;
                        if (offset >= limit) break;
                        if (!_filter!.Matches(record)) AddRun(runs, offset, ScanRunKind.Filtered);
                        else if (MessageExpiry.IsExpired(record, now)) AddRun(runs, offset, ScanRunKind.Expired);
                    }
                    // A record that does not parse is left to delivery, where the client reports it.
                    at = Math.Max(at, Math.Min(batchEnd, limit));
                }
            }
        }
        finally
        {
            BatchBuffers.Pool.Return(buffer);
        }
        return at;
    }

    private static void AddRun(List<ScanRun> runs, long offset, ScanRunKind kind)
    {
        if (runs.Count > 0)
        {
            var last = runs[^1];
            if (last.Kind == kind && last.First + last.Count == offset)
            {
                runs[^1] = last with { Count = last.Count + 1 };
                return;
            }
        }
        runs.Add(new ScanRun(offset, 1, kind));
    }
}
