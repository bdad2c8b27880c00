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
        DeleteFirst(segments, count, static _ => "acknowledged by every subscription");
        return segments[count].BaseOffset;
    }

    /// <summary>
    /// Applies retention: deletes the oldest sealed segments, one by one, while the oldest one's largest timestamp is
    /// older than <paramref name="maxAgeMs"/> before <paramref name="nowMs"/>, or while the partition holds more than
    /// <paramref name="maxBytes"/> bytes (<see cref="SizeBytes"/>); each limit at or below 0 is off. Never the active
    /// segment, so the newest data stays until the segment it is in rolls. Returns the new <see cref="StartOffset"/>.
    /// Writer thread, between commits; the same checkpoint-first protocol as <see cref="DeleteSegmentsBefore"/>, which
    /// it composes with: both only ever move the start up.
    /// </summary>
    /// <remarks>
    /// Age goes by the largest batch max timestamp in the segment (producers' clocks: a segment holding one record
    /// stamped in the future stays until that time has passed too).
    /// </remarks>
    /// <exception cref="JournalFailedException">Writing the checkpoint failed (nothing is deleted, and the journal accepts no more writes), or an earlier write or sync did.</exception>
    /// <exception cref="ObjectDisposedException">The journal is closed.</exception>
    public long DeleteExpiredSegments(long nowMs, long maxAgeMs, long maxBytes)
    {
        ThrowIfUnusable();
        var segments = _segments;
        bool byAge = maxAgeMs > 0;
        bool byBytes = maxBytes > 0;
        if (!byAge && !byBytes) return segments[0].BaseOffset;

        // Saturating: a limit longer than the clock reaches back expires nothing.
        long cutoff = nowMs >= long.MinValue + maxAgeMs ? nowMs - maxAgeMs : long.MinValue;
        long total = 0;
        foreach (var segment in segments) total += segment.WrittenEnd;
        int count = 0;
        while (count < segments.Length - 1)
        {
            var segment = segments[count];
            bool expired = byAge && segment.TimeIndex.MaxTimestamp < cutoff;
            if (!expired && !(byBytes && total > maxBytes)) break;
            total -= segment.WrittenEnd;
            count++;
        }
        if (count == 0) return segments[0].BaseOffset;
        // The reason is worked out again per segment, for the log line only.
        DeleteFirst(segments, count, segment => byAge && segment.TimeIndex.MaxTimestamp < cutoff
            ? $"retention by age: its newest record is stamped {segment.TimeIndex.MaxTimestamp}, older than {maxAgeMs} ms before {nowMs}"
            : $"retention by size: the partition holds more than {maxBytes} bytes");
        return segments[count].BaseOffset;
    }

    // Deletes segments[..count]: the new start made durable in the checkpoint, then published, then the files go.
    private void DeleteFirst(Segment[] segments, int count, Func<Segment, string> reason)
    {
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
        for (int i = 0; i < count; i++) Remove(segments[i], start, reason(segments[i]));
    }

    private void Remove(Segment segment, long start, string reason)
    {
        _logger.SegmentDeleted(Directory, segment.LogPath, segment.BaseOffset, segment.EndOffset, segment.WrittenEnd, start, reason);
        segment.Dispose();
        // The indexes first: a crash between the unlinks then leaves a log below the start, which the next open deletes.
        DeleteFile(segment.TimeIndexPath);
        DeleteFile(segment.IndexPath);
        DeleteFile(segment.LogPath);
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
