using FastBroker.Server.Journal.Internal;

namespace FastBroker.Server.Journal;

public sealed partial class PartitionJournal
{
    /// <summary>
    /// Deletes the oldest whole segments whose offsets all lie below <paramref name="offset"/>, never the active
    /// segment, and returns the new <see cref="StartOffset"/> (unchanged when no segment qualifies). A segment that
    /// holds <paramref name="offset"/> or anything above it is kept whole. Writer thread: call it from the partition
    /// loop, between commits, like <see cref="Append"/> and <see cref="Commit"/>.
    /// </summary>
    /// <remarks>
    /// The new start is made durable in the checkpoint first, then published to readers, then the files are closed
    /// and unlinked. A crash (or a failed unlink) after the checkpoint leaves files below the start, which the next
    /// open deletes; a crash before it leaves the log as it was. A reader already inside a deleted segment finishes
    /// its read (the file is closed when it leaves, and an unlinked file stays readable while open); a reader with
    /// an older snapshot of the segment list gets <see cref="ArgumentOutOfRangeException"/>, as any read below
    /// <see cref="StartOffset"/> does.
    /// </remarks>
    /// <exception cref="JournalFailedException">Writing the checkpoint failed (nothing is deleted, and the journal accepts no more writes), or an earlier write or sync did.</exception>
    /// <exception cref="ObjectDisposedException">The journal is closed.</exception>
    public long DeleteSegmentsBefore(long offset)
    {
        ThrowIfUnusable();
        var segments = _segments;

        // A sealed segment ends where the next one begins. The last segment is the active one and also the one the
        // checkpoint names (every roll checkpoints the new segment), so neither is ever a candidate.
        int count = 0;
        while (count < segments.Length - 1 && segments[count + 1].BaseOffset <= offset) count++;
        if (count == 0) return segments[0].BaseOffset;
        long start = segments[count].BaseOffset;

        try
        {
            _checkpoint.Write(_syncedEndOffset, _syncedSegmentBase, _syncedPosition, start);
            _lastCheckpointAt = _time.GetTimestamp();
        }
        catch (Exception e)
        {
            throw Fail("segment deletion", e);
        }

        // Publish before closing anything, so that no new read reaches a segment on its way out.
        Volatile.Write(ref _segments, segments[count..]);
        for (int i = 0; i < count; i++) Remove(segments[i], start);
        return start;
    }

    private void Remove(Segment segment, long start)
    {
        _logger.SegmentDeleted(Directory, segment.LogPath, segment.BaseOffset, segment.EndOffset, segment.WrittenEnd, start);
        segment.Dispose();
        DeleteFile(segment.LogPath);
        DeleteFile(segment.IndexPath);
    }

    // A file that cannot be unlinked is only wasted space: the checkpoint already excludes it and the next open
    // deletes it, so it must not fail the journal. No directory fsync either, for the same reason.
    private void DeleteFile(string path)
    {
        try
        {
            _files.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.DeleteFailed(path, e);
        }
    }
}
