using FastBroker.Server.Durability;
using FastBroker.Server.Journal.Internal;

namespace FastBroker.Server.Journal;

public sealed partial class PartitionJournal
{
    // The base offset of a segment a roll is creating, or -1: a roll that fails half way may leave its file behind.
    private long _rollingTo = -1;

    /// <summary>What a commit may change, taken before it starts so a failed write can be undone.</summary>
    private readonly record struct CommitStart(Segment Active, int SegmentCount, int IndexCount, int TimeIndexCount, long MaxTimestamp,
        long EndOffset, bool HasUnsynced,
        long UnsyncedSince, long SyncedEndOffset, long SyncedSegmentBase, long SyncedPosition);

    /// <summary>
    /// Undoes a commit whose write failed: the files go back to exactly the committed bytes and the journal takes the
    /// next group. When undoing fails too, the journal fails for writes like after a failed sync.
    /// </summary>
    /// <remarks>
    /// When the commit rolled, the order keeps every crash point recoverable: first the checkpoint names the old
    /// segment again (a crash after it keeps the aborted bytes, which recovery reads as any unacknowledged tail),
    /// then the new segment files go, then the old segment is truncated and synced.
    /// </remarks>
    private Exception RollBack(in CommitStart start, Exception cause)
    {
        var active = start.Active;
        try
        {
            _syncedEndOffset = start.SyncedEndOffset;
            _syncedSegmentBase = start.SyncedSegmentBase;
            _syncedPosition = start.SyncedPosition;
            var segments = _segments;
            if (segments.Length > start.SegmentCount || _rollingTo >= 0)
            {
                WriteCheckpoint();
                _active = active;
                Volatile.Write(ref _segments, segments[..start.SegmentCount]);
                for (int i = start.SegmentCount; i < segments.Length; i++) RemoveAborted(segments[i].BaseOffset, segments[i]);
                if (_rollingTo >= 0) RemoveAborted(_rollingTo, null);
                _rollingTo = -1;
                // The roll wrote this segment's indexes for bytes that are about to go.
                _files.Delete(active.IndexPath);
                _files.Delete(active.TimeIndexPath);
                SyncDirectoryUnlessOutOfDescriptors();
            }

            // A failed pwritev may have written part of the group (a short write before ENOSPC).
            active.File.SetLength(active.PublishedEnd);
            if (active.Index.Count != start.IndexCount) active.ReplaceIndex(TrimIndex(active.Index, start.IndexCount));
            if (active.TimeIndex.Count != start.TimeIndexCount || active.TimeIndex.MaxTimestamp != start.MaxTimestamp)
                active.ReplaceTimeIndex(TrimTimeIndex(active.TimeIndex, start.TimeIndexCount, start.MaxTimestamp));
            active.WrittenEnd = active.PublishedEnd;
            active.EndOffset = start.EndOffset;
            // A roll synced the aborted bytes; the truncation must be as durable as they were.
            active.File.Sync();
            _hasUnsynced = start.HasUnsynced;
            _unsyncedSince = start.UnsyncedSince;
        }
        catch (Exception e)
        {
            return Fail("undoing a failed write", e);
        }

        DiscardPending();
        _logger.WriteUndone(Directory, _committedEnd, cause);
        return new JournalWriteFailedException(
            $"Journal '{Directory}': a write failed and was undone; nothing of the group was stored: {cause.Message}", cause,
            LibC.IsOutOfSpace(cause));
    }

    // Out of descriptors the directory cannot be opened to fsync it (no fsync ran, so nothing is in doubt). The unlinks
    // then become durable with the next directory sync (every roll does one); a crash before it leaves a segment that
    // does not continue the log, which recovery drops.
    private void SyncDirectoryUnlessOutOfDescriptors()
    {
        try
        {
            _files.SyncDirectory(Directory);
        }
        catch (IOException e) when (e.HResult is LibC.EMFILE or LibC.ENFILE)
        {
            _logger.DirectorySyncSkipped(Directory, e.Message);
        }
    }

    private void RemoveAborted(long baseOffset, Segment? segment)
    {
        segment?.Dispose();
        _files.Delete(SegmentFileNames.LogPath(Directory, baseOffset));
        _files.Delete(SegmentFileNames.IndexPath(Directory, baseOffset));
        _files.Delete(SegmentFileNames.TimeIndexPath(Directory, baseOffset));
    }

    private OffsetIndex TrimIndex(OffsetIndex index, int count)
    {
        var entries = new IndexEntry[Math.Max(count, OffsetIndex.CapacityFor(_options.SegmentBytes, _options.IndexIntervalBytes))];
        index.Entries[..count].CopyTo(entries);
        return new OffsetIndex(_options.IndexIntervalBytes, entries, count);
    }

    private TimeIndex TrimTimeIndex(TimeIndex index, int count, long maxTimestamp)
    {
        var entries = new TimeIndexEntry[Math.Max(count, 8)];
        index.Entries[..count].CopyTo(entries);
        return new TimeIndex(_options.IndexIntervalBytes, entries, count, maxTimestamp);
    }
}
