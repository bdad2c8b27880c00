using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Journal.Internal;

/// <summary>Log messages of the partition journal (source-generated; no boxing, AOT-safe).</summary>
internal static partial class JournalLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Opened journal {Directory}: offsets {StartOffset}..{EndOffset} in {SegmentCount} segment(s)")]
    public static partial void Opened(this ILogger logger, string directory, long startOffset, long endOffset, int segmentCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Truncated the unsynced tail of {File} at position {Position}: dropped {Bytes} bytes holding offsets from {Offset} on ({Reason})")]
    public static partial void TailTruncated(this ILogger logger, string file, long position, long bytes, long offset, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "Deleted segment {File} ({Reason}): dropped {Bytes} bytes holding offsets from {Offset} on")]
    public static partial void SegmentDropped(this ILogger logger, string file, string reason, long bytes, long offset);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Rebuilt index {File} by scanning its segment ({Problem})")]
    public static partial void IndexRebuilt(this ILogger logger, string file, string problem);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "Checkpoint {File} has no valid slot; recovering by scanning the whole log")]
    public static partial void CheckpointUnreadable(this ILogger logger, string file);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error,
        Message = "Journal {Directory} stopped accepting writes: {Operation} failed")]
    public static partial void Failed(this ILogger logger, string directory, string operation, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Closing journal {Directory} failed; unsynced data may be lost")]
    public static partial void CloseFailed(this ILogger logger, string directory, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning,
        Message = "Closing journal {Directory} discarded {Batches} appended but uncommitted batch(es)")]
    public static partial void UncommittedDiscarded(this ILogger logger, string directory, int batches);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "Journal {Directory} rolled to segment {BaseOffset}")]
    public static partial void Rolled(this ILogger logger, string directory, long baseOffset);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information,
        Message = "Journal {Directory} deleted segment {File} holding offsets {BaseOffset}..{EndOffset} ({Bytes} bytes; {Reason}); the log now starts at {StartOffset}")]
    public static partial void SegmentDeleted(this ILogger logger, string directory, string file, long baseOffset, long endOffset, long bytes, long startOffset, string reason);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning,
        Message = "Could not delete {File}; the log no longer includes it and the next open deletes it")]
    public static partial void DeleteFailed(this ILogger logger, string file, Exception exception);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information,
        Message = "Deleted segment {File}, left below the log start {StartOffset} by an interrupted deletion")]
    public static partial void LeftoverDeleted(this ILogger logger, string file, long startOffset);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning,
        Message = "Journal {Directory}: a write failed and was undone (files truncated back to the committed end {EndOffset}); nothing of the group was stored, the next group is accepted")]
    public static partial void WriteUndone(this ILogger logger, string directory, long endOffset, Exception exception);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning,
        Message = "Journal {Directory}: could not fsync the directory after undoing a roll ({Reason}); the next roll makes the removal durable")]
    public static partial void DirectorySyncSkipped(this ILogger logger, string directory, string reason);
}
