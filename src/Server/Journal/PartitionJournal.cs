using System.Diagnostics.CodeAnalysis;
using FastBroker.Server.Journal.Internal;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Journal;

/// <summary>
/// The durable log of one partition: record batches stored exactly as published, in segment files with sparse
/// offset and time indexes and a checkpoint of how far the data is known to be fsynced.
/// </summary>
/// <remarks>
/// One writer (the partition loop) calls <see cref="Append"/>, <see cref="Commit"/>, <see cref="Sync"/>,
/// <see cref="DeleteSegmentsBefore"/>, <see cref="DeleteExpiredSegments"/> and the writer-only properties; no locks
/// are taken on that path. <see cref="Read"/>, <see cref="OffsetForTimestamp"/>, <see cref="StartOffset"/>,
/// <see cref="CommittedEndOffset"/>, <see cref="LargestTimestamp"/>, <see cref="SegmentCount"/> and
/// <see cref="SizeBytes"/> are safe from any thread at any time: readers see an immutable snapshot of the segment
/// list and never look past the committed end, so reads keep working whatever happened to writes. A failed write is
/// undone (see <see cref="JournalWriteFailedException"/>); a failed sync puts the journal in a failed state for
/// writes (see <see cref="JournalFailedException"/>).
/// </remarks>
public sealed partial class PartitionJournal : IDisposable
{
    private readonly JournalOptions _options;
    private readonly ISegmentFileFactory _files;
    private readonly SyncWatch _watch;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CheckpointFile _checkpoint;

    // Queued by Append; the second list carries one segment's share of the queue when a commit crosses a roll.
    private readonly List<ReadOnlyMemory<byte>> _pending = [];
    private readonly List<ReadOnlyMemory<byte>> _gather = [];

    private Segment[] _segments;
    private Segment _active;
    private long _committedEnd;
    private long _nextOffset;
    private long _pendingBytes;

    // Sync and checkpoint state (writer thread).
    private bool _hasUnsynced;
    private long _unsyncedSince;
    private long _syncedEndOffset;
    private long _syncedSegmentBase;
    private long _syncedPosition;
    private long _lastCheckpointAt;

    private string? _failure;
    private Exception? _failureCause;
    private string _failedOperation = "";
    private bool _disposed;

    private PartitionJournal(string directory, JournalOptions options, SyncWatch files, ILogger logger, TimeProvider time,
        RecoveredJournal recovered)
    {
        Directory = directory;
        _options = options;
        _files = files;
        _watch = files;
        _logger = logger;
        _time = time;
        _checkpoint = recovered.Checkpoint;
        _segments = recovered.Segments;
        _active = _segments[^1];
        _nextOffset = _active.EndOffset;
        _committedEnd = _active.EndOffset;

        // Recovery leaves everything synced and checkpointed.
        _syncedEndOffset = _active.EndOffset;
        _syncedSegmentBase = _active.BaseOffset;
        _syncedPosition = _active.WrittenEnd;
        _lastCheckpointAt = time.GetTimestamp();
    }

    /// <summary>
    /// Opens the journal in <paramref name="directory"/>, creating the directory if missing, and recovers it:
    /// an unsynced torn tail is cut off (and logged); damage to data below the checkpoint throws.
    /// </summary>
    /// <exception cref="JournalCorruptedException">Acknowledged data is damaged, or the checkpoint points past the log.</exception>
    public static PartitionJournal Open(string directory, JournalOptions options, ILogger logger, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();

        string fullPath = Path.GetFullPath(directory);
        var files = new SyncWatch(options.FileFactory ?? SegmentFileFactory.Instance);
        var recovered = new JournalRecovery(fullPath, options, files, logger, time).Run();
        return new PartitionJournal(fullPath, options, files, logger, time, recovered);
    }

    /// <summary>The partition directory (full path).</summary>
    public string Directory { get; }

    /// <summary>
    /// The first stored offset (0 for a new journal). It moves up when <see cref="DeleteSegmentsBefore"/> or
    /// <see cref="DeleteExpiredSegments"/> removes segments; <see cref="Read"/> below it is out of range. Safe to read from any thread.
    /// </summary>
    public long StartOffset => Volatile.Read(ref _segments)[0].BaseOffset;

    /// <summary>
    /// The largest batch max timestamp (ms since the Unix epoch) of the committed data from <see cref="StartOffset"/>
    /// on, or -1 when there is none. Safe to read from any thread; O(segments).
    /// </summary>
    public long LargestTimestamp
    {
        get
        {
            long largest = TimeIndex.NoTimestamp;
            foreach (var segment in Volatile.Read(ref _segments)) largest = Math.Max(largest, segment.PublishedMaxTimestamp);
            return largest == TimeIndex.NoTimestamp ? -1 : largest;
        }
    }

    /// <summary>Number of segment files, the active one included. Safe to read from any thread.</summary>
    public int SegmentCount => Volatile.Read(ref _segments).Length;

    /// <summary>
    /// Bytes of committed data in the segment files (their headers included, index and checkpoint files not): what
    /// the partition holds on disk. Safe to read from any thread; O(segments).
    /// </summary>
    public long SizeBytes
    {
        get
        {
            long total = 0;
            foreach (var segment in Volatile.Read(ref _segments)) total += segment.PublishedEnd;
            return total;
        }
    }

    /// <summary>
    /// Offsets below this are stored, readable, and acknowledged: durable under <see cref="FsyncMode.Always"/>.
    /// Safe to read from any thread.
    /// </summary>
    public long CommittedEndOffset => Volatile.Read(ref _committedEnd);

    /// <summary>The offset the next <see cref="Append"/> will assign; at least <see cref="CommittedEndOffset"/>. Writer thread.</summary>
    public long NextOffset => _nextOffset;

    /// <summary>Batches appended and not yet committed. Writer thread.</summary>
    public int PendingBatches => _pending.Count;

    /// <summary>Bytes of the batches appended and not yet committed. Writer thread.</summary>
    public long PendingBytes => _pendingBytes;

    /// <summary>True when committed data has not been fsynced yet (interval and never policies). Writer thread.</summary>
    public bool HasUnsyncedData => _hasUnsynced;

    /// <summary>
    /// Syncs, writes a final checkpoint and the active segment's index, and closes the files. Batches appended but
    /// not committed are discarded. After a failure nothing more is written. Idempotent; does not throw on I/O errors
    /// (they are logged).
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_failure is null)
        {
            try
            {
                if (_pending.Count > 0) _logger.UncommittedDiscarded(Directory, _pending.Count);
                DiscardPending();
                if (_hasUnsynced) SyncActive();
                if (_syncedEndOffset != _checkpoint.Latest?.EndOffset || _syncedSegmentBase != _checkpoint.Latest?.SegmentBaseOffset)
                    WriteCheckpoint();
                IndexFile.Write(_files, _active);
                TimeIndexFile.Write(_files, _active);
            }
            catch (Exception e)
            {
                _logger.CloseFailed(Directory, e);
            }
        }
        CloseFiles();
    }

    /// <summary>Closes the files as a crash would leave them: no sync, no checkpoint, no index. For recovery tests.</summary>
    internal void CloseAbruptly()
    {
        if (_disposed) return;
        _disposed = true;
        CloseFiles();
    }

    private void CloseFiles()
    {
        foreach (var segment in _segments) segment.Dispose();
        _checkpoint.Dispose();
    }

    private void DiscardPending()
    {
        _pending.Clear();
        _gather.Clear();
        _pendingBytes = 0;
        _nextOffset = _committedEnd;
    }

    private void ThrowIfUnusable()
    {
        if (_disposed) ThrowDisposed();
        if (_failure is not null) ThrowFailed();
    }

    /// <summary>Why the journal accepts no more writes (a failed sync), or null while it does. Writer thread.</summary>
    public string? WriteFailure => _failure;

    // Fails the journal for good: the caller's group is not acknowledged and nothing more is written. Reads go on.
    private JournalFailedException Fail(string operation, Exception cause)
    {
        _failure = $"Journal '{Directory}' accepts no more writes until it is reopened: {operation} failed: {cause.Message}";
        _failureCause = cause;
        _failedOperation = operation;
        _logger.Failed(Directory, operation, cause);
        DiscardPending();
        return new JournalFailedException(_failure, operation, cause);
    }

    [DoesNotReturn]
    private void ThrowDisposed() => throw new ObjectDisposedException(nameof(PartitionJournal), $"Journal '{Directory}' is closed.");

    [DoesNotReturn]
    private void ThrowFailed() => throw new JournalFailedException(_failure!, _failedOperation, _failureCause);
}
