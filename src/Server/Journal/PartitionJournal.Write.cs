using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using FastBroker.Server.Journal.Internal;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Journal;

public sealed partial class PartitionJournal
{
    /// <summary>
    /// Assigns the next offsets to <paramref name="batch"/> (writing its base offset in place; the CRC does not
    /// cover it) and queues it for the next <see cref="Commit"/>. No I/O. The batch must already be validated;
    /// the caller keeps the memory alive and unchanged until <see cref="Commit"/> returns or throws. Writer thread.
    /// </summary>
    /// <returns>The base offset assigned to the batch.</returns>
    /// <exception cref="JournalFailedException">An earlier write or sync failed.</exception>
    public long Append(Memory<byte> batch)
    {
        ThrowIfUnusable();
        var span = batch.Span;
        if (span.Length < RecordBatchHeader.Size
            || BinaryPrimitives.ReadUInt32LittleEndian(span[RecordBatchHeader.LengthPosition..]) != (uint)span.Length)
        {
            ThrowMalformedBatch();
        }
        int records = RecordBatch.ReadRecordCount(span);
        if (records < 1) ThrowMalformedBatch();

        long baseOffset = _nextOffset;
        RecordBatch.SetBaseOffset(span, baseOffset);
        _pending.Add(batch);
        _pendingBytes += span.Length;
        _nextOffset = baseOffset + records;
        return baseOffset;
    }

    /// <summary>
    /// Writes every queued batch in one gathered write (two or more only when the group crosses a segment roll),
    /// fdatasyncs under <see cref="FsyncMode.Always"/> (or when an interval sync is due), then publishes the new
    /// <see cref="CommittedEndOffset"/>. Writer thread.
    /// </summary>
    /// <exception cref="JournalWriteFailedException">
    /// A write failed (a full disk, typically): it was undone — the segment file is truncated back to the committed
    /// end, a segment rolled in this commit is removed — nothing of the group is stored or acknowledged, and the
    /// journal accepts the next group.
    /// </exception>
    /// <exception cref="JournalFailedException">
    /// A sync failed (or undoing a failed write did): nothing of the group is acknowledged,
    /// <see cref="CommittedEndOffset"/> is unchanged, and the journal accepts no more writes (reads go on).
    /// </exception>
    public void Commit()
    {
        ThrowIfUnusable();
        if (_pending.Count == 0) return;

        var start = new CommitStart(_active, _segments.Length, _active.Index.Count, _active.TimeIndex.Count, _active.TimeIndex.MaxTimestamp,
            _active.EndOffset, _hasUnsynced, _unsyncedSince, _syncedEndOffset, _syncedSegmentBase, _syncedPosition);
        try
        {
            WritePending();
            if (_options.Fsync.Mode == FsyncMode.Always || SyncDueIn == TimeSpan.Zero) SyncActive();
        }
        catch (Exception e)
        {
            // Classified at the call that failed: after a failed sync the page state is unknown, so nothing may be
            // undone or retried; anything else never reached stable storage as far as anyone was told, and is undone.
            if (_watch.SyncFailure is not null) throw Fail("fsync", e);
            throw RollBack(start, e);
        }

        // Segment ends first, then the committed offset: a reader that sees the new offset also sees the bytes.
        var segments = _segments;
        for (int i = start.SegmentCount - 1; i < segments.Length; i++) segments[i].Publish();
        Volatile.Write(ref _committedEnd, _active.EndOffset);
        _pending.Clear();
        _pendingBytes = 0;
    }

    /// <summary>
    /// fdatasyncs written data now (the interval timer, shutdown), and writes a checkpoint if one is due.
    /// Writer thread.
    /// </summary>
    /// <exception cref="JournalFailedException">The sync failed (it is not retried) or an earlier one did.</exception>
    public void Sync()
    {
        ThrowIfUnusable();
        try
        {
            if (_hasUnsynced) SyncActive();
            else MaybeCheckpoint();
        }
        catch (Exception e)
        {
            throw Fail(_watch.SyncFailure is not null ? "fsync" : "checkpoint write", e);
        }
    }

    /// <summary>
    /// Under <see cref="FsyncMode.Interval"/> with unsynced data, the time until <see cref="Sync"/> is due (zero when
    /// overdue); otherwise <see cref="Timeout.InfiniteTimeSpan"/>. Writer thread.
    /// </summary>
    public TimeSpan SyncDueIn
    {
        get
        {
            if (_options.Fsync.Mode != FsyncMode.Interval || !_hasUnsynced || _failure is not null) return Timeout.InfiniteTimeSpan;
            var due = _options.Fsync.Interval - _time.GetElapsedTime(_unsyncedSince);
            return due > TimeSpan.Zero ? due : TimeSpan.Zero;
        }
    }

    // Splits the queue into runs that fit the active segment, rolling between runs.
    private void WritePending()
    {
        int start = 0;
        int count = _pending.Count;
        while (start < count)
        {
            int end = start;
            long size = _active.WrittenEnd;
            bool hasBatches = _active.HasBatches;
            while (end < count)
            {
                int length = _pending[end].Length;
                if (hasBatches && size + length > _options.SegmentBytes) break;
                size += length;
                hasBatches = true;
                end++;
            }
            if (end > start) WriteRun(start, end);
            if (end < count) Roll();
            start = end;
        }
    }

    private void WriteRun(int start, int end)
    {
        IReadOnlyList<ReadOnlyMemory<byte>> run = _pending;
        if (start != 0 || end != _pending.Count)
        {
            _gather.Clear();
            for (int i = start; i < end; i++) _gather.Add(_pending[i]);
            run = _gather;
        }

        var segment = _active;
        if (!_hasUnsynced)
        {
            _hasUnsynced = true;
            _unsyncedSince = _time.GetTimestamp();
        }
        segment.File.Write(run, segment.WrittenEnd);
        _gather.Clear();

        // Index entries may run ahead of the committed end: readers only look up offsets below it.
        long position = segment.WrittenEnd;
        long offset = segment.EndOffset;
        var timeIndex = segment.TimeIndex;
        for (int i = start; i < end; i++)
        {
            var batch = _pending[i].Span;
            segment.Index.MaybeAdd(offset, position);
            timeIndex.Add(RecordBatch.ReadMaxTimestamp(batch), offset, position);
            offset += RecordBatch.ReadRecordCount(batch);
            position += batch.Length;
        }
        segment.WrittenEnd = position;
        segment.EndOffset = offset;
    }

    private void Roll()
    {
        // Recovery never rescans sealed segments, so one must be durable before a later segment exists.
        var sealedSegment = _active;
        sealedSegment.File.Sync();
        IndexFile.Write(_files, sealedSegment);
        TimeIndexFile.Write(_files, sealedSegment);

        _rollingTo = sealedSegment.EndOffset;
        var next = Segment.Create(_files, Directory, sealedSegment.EndOffset, _time.GetUtcNow().ToUnixTimeMilliseconds(),
            new OffsetIndex(_options.IndexIntervalBytes, OffsetIndex.CapacityFor(_options.SegmentBytes, _options.IndexIntervalBytes)),
            new TimeIndex(_options.IndexIntervalBytes));
        var segments = new Segment[_segments.Length + 1];
        _segments.CopyTo(segments, 0);
        segments[^1] = next;
        Volatile.Write(ref _segments, segments);
        _active = next;
        _rollingTo = -1;

        _hasUnsynced = false;
        MarkSynced();
        WriteCheckpoint();
        _logger.Rolled(Directory, next.BaseOffset);
    }

    private void SyncActive()
    {
        _active.File.Sync();
        _hasUnsynced = false;
        MarkSynced();
        MaybeCheckpoint();
    }

    private void MarkSynced()
    {
        _syncedEndOffset = _active.EndOffset;
        _syncedSegmentBase = _active.BaseOffset;
        _syncedPosition = _active.WrittenEnd;
    }

    // The checkpoint costs an fsync of its own, so it trails the syncs by up to CheckpointInterval; recovery
    // rescans whatever was synced after it.
    private void MaybeCheckpoint()
    {
        var latest = _checkpoint.Latest.GetValueOrDefault();
        if (latest.EndOffset == _syncedEndOffset && latest.SegmentBaseOffset == _syncedSegmentBase) return;
        if (_time.GetElapsedTime(_lastCheckpointAt) < _options.CheckpointInterval) return;
        WriteCheckpoint();
    }

    private void WriteCheckpoint()
    {
        _checkpoint.Write(_syncedEndOffset, _syncedSegmentBase, _syncedPosition, _segments[0].BaseOffset);
        _lastCheckpointAt = _time.GetTimestamp();
    }

    [DoesNotReturn]
    private static void ThrowMalformedBatch()
        => throw new ArgumentException("The batch must be a whole record batch: at least a header, its declared length, one record or more.", "batch");
}
