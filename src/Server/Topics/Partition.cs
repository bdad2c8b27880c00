using FastBroker.Server.Durability;
using FastBroker.Server.Journal;
using FastBroker.Server.Topics.Dedup;
using FastBroker.Server.Topics.Producers;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Topics;

/// <summary>
/// One partition and the single loop that owns its journal: every append goes through <see cref="TryEnqueue"/>
/// and is written by its <see cref="GroupCommitLoop{T}"/>, which groups everything waiting into one write and one
/// fsync (group commit, <see cref="CommitGroup"/>) before acknowledging anyone in the group. Reads go straight to the
/// journal from any thread. Ownership is explicit here so a partition can later live on another node.
/// </summary>
internal sealed class Partition : IGroupCommitter<AppendRequest>, IAsyncDisposable
{
    // Bounds one group so a flood on one partition still acknowledges in slices of reasonable latency.
    private const int MaxGroupBatches = 1024;
    private const long MaxGroupBytes = 16L * 1024 * 1024;
    // Expired producer state is swept at most this often, on the writer loop.
    private const long ProducerSweepIntervalMs = 60_000;

    private readonly PartitionJournal? _journal;
    private readonly GroupCommitLoop<AppendRequest> _loop;
    private readonly ILogger _logger;
    private readonly DelayedTick? _syncTick;
    private readonly TimeSpan _syncInterval;
    private readonly TimeProvider _time;
    private readonly TimeSpan _retentionCheckInterval;
    private readonly Lock _retentionLock = new();
    private ITimer? _retentionTimer;
    private bool _retentionStopped;
    private long _retentionMaxAgeMs;
    private long _retentionMaxBytes;
    private long _retentionTimerFired;
    private OneShotSignal _signal = new();
    private volatile string? _failure;
    private long _trimRequest;
    private readonly ProducerStateTable _producers;
    private ProducerVerdict[] _verdicts = [];
    private long _lastProducerSweepMs;
    private readonly PartitionDedup _dedup;
    // Per batch of the group being committed: a batch's duplicates (null when it had none), and the trimmed copy
    // stored in its place (returned to the pool once the group is answered).
    private PublishDuplicate[]?[] _duplicates = [];
    private byte[]?[] _trimmed = [];
    private long[] _storedAt = [];
    private long _dedupEvictedLogged;

    private Partition(string topic, int index, PartitionJournal? journal, string? failure, JournalOptions options, ILogger logger, TimeProvider time,
        long dedupWindowMs)
    {
        var fsync = options.Fsync;
        _time = time;
        _retentionCheckInterval = options.RetentionCheckInterval;
        Topic = topic;
        Index = index;
        _journal = journal;
        _failure = failure;
        _logger = logger;
        _producers = new ProducerStateTable(options.ProducerStateExpiry);
        _dedup = new PartitionDedup(options.DedupMaxIds, options.DedupMaxIdBytes) { WindowMs = dedupWindowMs };
        if (journal is not null) RebuildProducerState(journal, options.ProducerStateScanBytes);
        _lastProducerSweepMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        _loop = new GroupCommitLoop<AppendRequest>($"partition {topic}/{index} writer", this, MaxGroupBatches, MaxGroupBytes, logger);
        if (journal is not null && fsync.Mode == FsyncMode.Interval)
        {
            _syncInterval = fsync.Interval;
            _syncTick = new DelayedTick(time, _loop.RequestTick);
        }
        _loop.Start();
    }

    public string Topic { get; }
    public int Index { get; }

    /// <summary>Why the partition refuses all service (its journal could not be opened), or null when it serves reads.</summary>
    public string? Failure => _journal is null ? _failure : null;

    /// <summary>
    /// Why the partition refuses writes, or null while it takes them: it could not be opened, a sync failed (which is
    /// not retried; a restart recovers it), or its writer loop stopped after an unexpected error. Reads of everything
    /// below the committed end go on regardless.
    /// </summary>
    public string? WriteFailure => _failure ?? _loop.Failure;

    /// <summary>The idempotent producers' state; the writer loop's alone (tests read it when the loop is idle).</summary>
    internal ProducerStateTable Producers => _producers;

    /// <summary>The writer loop (tests inject failures through it).</summary>
    internal GroupCommitLoop<AppendRequest> Writer => _loop;

    public OneShotSignal Signal => Volatile.Read(ref _signal);

    /// <summary>Opens a partition; <paramref name="dedupWindowMs"/> is its deduplication window (PROTOCOL.md 6.8), the
    /// broker's <see cref="JournalOptions.DedupWindow"/> when null.</summary>
    public static Partition Open(string topic, int index, string directory, JournalOptions options, ILogger logger, TimeProvider time,
        long? dedupWindowMs = null)
    {
        long window = dedupWindowMs ?? (long)options.DedupWindow.TotalMilliseconds;
        try
        {
            var journal = PartitionJournal.Open(directory, options, logger, time);
            return new Partition(topic, index, journal, null, options, logger, time, window);
        }
        catch (JournalCorruptedException ex)
        {
            string reason = $"partition {topic}/{index} refuses service: {ex.Message}";
            TopicsLog.PartitionRefused(logger, topic, index, ex.Message);
            return new Partition(topic, index, null, reason, options, logger, time, window);
        }
    }

    /// <summary>The deduplication window in ms (PROTOCOL.md 6.8), 0 = off. Set from any thread; it applies from the
    /// next group on (ids stored while it was off are not remembered).</summary>
    public long DedupWindowMs
    {
        get => _dedup.WindowMs;
        set => _dedup.WindowMs = value;
    }

    /// <summary>Records dropped as duplicates since the partition opened. Any thread.</summary>
    public long DuplicatesDropped => _dedup.Dropped;

    /// <summary>The deduplication state; the writer loop's alone (tests read it when the loop is idle).</summary>
    internal PartitionDedup Dedup => _dedup;

    /// <summary>
    /// The journal, for reading, whenever it could be opened: acknowledged data stays readable after a failed write or
    /// sync. Writes go through <see cref="TryEnqueue"/> only.
    /// </summary>
    public bool TryGetJournal(out PartitionJournal journal, out string failure)
    {
        journal = _journal!;
        failure = _journal is null ? _failure ?? "" : "";
        return _journal is not null;
    }

    /// <summary>Hands a copied, validated batch to the writer loop; false once the partition is stopping.</summary>
    public bool TryEnqueue(in AppendRequest request) => _loop.TryEnqueue(request);

    private void RequestSync() => _loop.RequestTick();

    // Loop only. One timer change per interval at most: a group that finds the timer armed leaves it alone.
    private void ArmSyncTimer()
    {
        if (_syncTick is null || _journal is null || _failure is not null || !_journal.HasUnsyncedData) return;
        var due = _journal.SyncDueIn;
        _syncTick.Arm(due == Timeout.InfiniteTimeSpan ? _syncInterval : due);
    }

    /// <summary>Asks the writer loop to delete journal segments wholly below <paramref name="offset"/> (every
    /// shared subscription has durably acked past them).</summary>
    public void RequestTrim(long offset)
    {
        long current = Volatile.Read(ref _trimRequest);
        while (offset > current)
        {
            long seen = Interlocked.CompareExchange(ref _trimRequest, offset, current);
            if (seen == current)
            {
                RequestSync();
                return;
            }
            current = seen;
        }
    }

    /// <summary>
    /// Sets the retention limits: segments whose newest record is older than <paramref name="maxAgeMs"/>, and the oldest
    /// segments while the partition is larger than <paramref name="maxBytes"/>, are deleted (each limit at or below 0
    /// is off; see <see cref="PartitionJournal.DeleteExpiredSegments"/>). While either is on, the writer loop checks
    /// every <see cref="JournalOptions.RetentionCheckInterval"/>, and once at once. Any thread, any time.
    /// </summary>
    public void SetRetention(long maxAgeMs, long maxBytes)
    {
        if (_journal is null) return;
        bool on = maxAgeMs > 0 || maxBytes > 0;
        lock (_retentionLock)
        {
            if (_retentionStopped) return;
            Volatile.Write(ref _retentionMaxAgeMs, Math.Max(maxAgeMs, 0));
            Volatile.Write(ref _retentionMaxBytes, Math.Max(maxBytes, 0));
            if (on)
            {
                _retentionTimer ??= _time.CreateTimer(static s => ((Partition)s!).OnRetentionTimer(), this,
                    Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _retentionTimer.Change(_retentionCheckInterval, _retentionCheckInterval);
            }
            else
            {
                _retentionTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
        if (on) _loop.RequestTick();
    }

    /// <summary>The retention limits in force, as (max age ms, max bytes); 0 is off. Any thread.</summary>
    public (long MaxAgeMs, long MaxBytes) Retention => (Volatile.Read(ref _retentionMaxAgeMs), Volatile.Read(ref _retentionMaxBytes));

    /// <summary>The first offset still stored (0 when the journal could not be opened). Any thread.</summary>
    public long StartOffset => _journal?.StartOffset ?? 0;

    /// <summary>Times the retention timer fired (tests).</summary>
    internal long RetentionTimerFired => Volatile.Read(ref _retentionTimerFired);

    private void OnRetentionTimer()
    {
        Interlocked.Increment(ref _retentionTimerFired);
        _loop.RequestTick();
    }

    ValueTask IGroupCommitter<AppendRequest>.CommitGroupAsync(AppendRequest[] group, int count)
    {
        CommitGroup(group, count);
        return default;
    }

    void IGroupCommitter<AppendRequest>.Tick()
    {
        SyncQuietly();
        TrimQuietly();
        RetainQuietly();
        ArmSyncTimer();
    }

    void IGroupCommitter<AppendRequest>.Fail(in AppendRequest request, string failure)
    {
        if (request.Buffer is null) return;
        request.Origin!.PublishFailed(request.RequestId, ErrorCode.StorageError, failure, request.Length);
        BatchBuffers.Pool.Return(request.Buffer);
    }

    long IGroupCommitter<AppendRequest>.WeightOf(in AppendRequest request) => request.Length;

    private void CommitGroup(AppendRequest[] group, int count)
    {
        string? failure = _failure;
        var code = ErrorCode.PartitionUnavailable;
        if (_verdicts.Length < count)
        {
            _verdicts = new ProducerVerdict[MaxGroupBatches];
            _duplicates = new PublishDuplicate[]?[MaxGroupBatches];
            _trimmed = new byte[]?[MaxGroupBatches];
            _storedAt = new long[MaxGroupBatches];
        }
        long nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        long dedupMark = _dedup.Index.Mark;
        if (failure is null)
        {
            _producers.BeginGroup(nowMs);
            bool dedup = _dedup.WindowMs > 0;
            if (dedup) _dedup.BeginGroup(nowMs);
            try
            {
                // Checked in order, so a second batch of a producer in this group sees the first as stored, and a
                // record's id is seen by every later record of the group.
                for (int i = 0; i < count; i++)
                {
                    var batch = group[i].Buffer.AsMemory(0, group[i].Length);
                    var outcome = DedupOutcome.Unchanged;
                    if (dedup && !group[i].Deduplicate)
                    {
                        // Not checked, not remembered; Stored below shifts nothing since nothing was added.
                        _dedup.SkipBatch();
                    }
                    else if (dedup)
                    {
                        outcome = _dedup.Filter(batch.Span, nowMs, out string? refusal);
                        if (outcome == DedupOutcome.Refused)
                        {
                            _verdicts[i] = ProducerVerdict.Refuse(ErrorCode.InvalidArgument, refusal!);
                            continue;
                        }
                    }
                    var verdict = _producers.Check(batch.Span);
                    _verdicts[i] = verdict;
                    if (!verdict.IsAppend)
                    {
                        if (dedup) _dedup.ForgetBatch();
                        continue;
                    }
                    if (outcome == DedupOutcome.AllDuplicates)
                    {
                        _duplicates[i] = _dedup.TakeDuplicates(-1);
                        TopicsLog.DuplicatesDropped(_logger, Topic, Index, _duplicates[i]!.Length, -1);
                        _storedAt[i] = -1;
                        // The producer's sequence moves on all the same, answered as its first duplicate's offset.
                        _producers.Appended(batch.Span, _duplicates[i]![0].OriginalOffset);
                        continue;
                    }
                    var stored = batch;
                    if (outcome == DedupOutcome.Trimmed)
                    {
                        var copy = BatchBuffers.Pool.Rent(batch.Length);
                        _trimmed[i] = copy;
                        stored = copy.AsMemory(0, _dedup.WriteTrimmed(batch.Span, copy));
                    }
                    _journal!.Append(stored);
                    long baseOffset = RecordBatch.ReadBaseOffset(stored.Span);
                    _storedAt[i] = baseOffset;
                    if (dedup) _dedup.Stored(baseOffset);
                    if (outcome == DedupOutcome.Trimmed)
                    {
                        _duplicates[i] = _dedup.TakeDuplicates(baseOffset);
                        TopicsLog.DuplicatesDropped(_logger, Topic, Index, _duplicates[i]!.Length, baseOffset);
                    }
                    _producers.Appended(batch.Span, baseOffset);
                }
                _journal!.Commit();
                _producers.CommitGroup();
            }
            catch (JournalWriteFailedException ex)
            {
                // Undone by the journal: this group is refused, the next one is written as if nothing happened.
                code = ErrorCode.StorageError;
                failure = ex.OutOfSpace
                    ? $"no space left on device writing partition {Topic}/{Index}; nothing of this batch was stored; free space and retry"
                    : $"writing partition {Topic}/{Index} failed: {ex.InnerException?.Message.TrimEnd('.')}; nothing of this batch was stored; retry";
                TopicsLog.WriteUndone(_logger, Topic, Index, failure);
            }
            catch (Exception ex) when (ex is IOException or JournalFailedException or UnauthorizedAccessException)
            {
                code = ErrorCode.StorageError;
                failure = StopWrites(ex);
            }
            if (failure is not null)
            {
                _producers.AbortGroup();
                _dedup.Index.RollbackTo(dedupMark);
            }
        }
        // Before the publishers hear of it: whoever learns this group is written may count on the sync timer running.
        ArmSyncTimer();

        for (int i = 0; i < count; i++)
        {
            ref var request = ref group[i];
            if (failure is not null)
            {
                request.Origin!.PublishFailed(request.RequestId, code, failure, request.Length);
            }
            else
            {
                var verdict = _verdicts[i];
                if (verdict.IsAppend && _duplicates[i] is { } duplicates)
                    request.Origin!.PublishDeduplicated(request.RequestId, _storedAt[i], duplicates, request.Length);
                else if (verdict.IsAppend)
                    request.Origin!.PublishSucceeded(request.RequestId, _storedAt[i], request.Length);
                else if (verdict.IsDuplicate)
                    request.Origin!.PublishSucceeded(request.RequestId, verdict.DuplicateOf, request.Length);
                else
                    request.Origin!.PublishFailed(request.RequestId, verdict.Code, verdict.Message!, request.Length);
            }
            _verdicts[i] = default;
            _duplicates[i] = null;
            if (_trimmed[i] is { } trimmed)
            {
                BatchBuffers.Pool.Return(trimmed);
                _trimmed[i] = null;
            }
            BatchBuffers.Pool.Return(request.Buffer!);
            request = default;
        }

        if (failure is null)
        {
            WakeReaders();
            if (nowMs - _lastProducerSweepMs >= ProducerSweepIntervalMs)
            {
                _lastProducerSweepMs = nowMs;
                _producers.Expire(nowMs);
                long evicted = _dedup.Index.Evicted;
                if (evicted > _dedupEvictedLogged)
                {
                    TopicsLog.DedupIdsEvicted(_logger, Topic, Index, evicted - _dedupEvictedLogged, evicted);
                    _dedupEvictedLogged = evicted;
                }
            }
        }
    }

    // Idempotent producers' state comes back from the batch headers of the log's tail (PROTOCOL.md 5.7), and the
    // deduplication ids of its batches whose max timestamp is within the window (6.8), from the same scan: a producer
    // whose last batches are older than the scanned segments starts afresh, as after expiry. A read failure leaves
    // the state as far as it got; the journal's own recovery has already checked these bytes.
    private void RebuildProducerState(PartitionJournal journal, long scanBytes)
    {
        long offset = journal.TailStartOffset(scanBytes);
        long end = journal.CommittedEndOffset;
        long dedupWindow = _dedup.WindowMs;
        long nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            while (offset < end)
            {
                var read = journal.Read(offset, buffer);
                if (read.BytesWritten == 0)
                {
                    if (read.RequiredBytes <= buffer.Length) break;
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                    buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(read.RequiredBytes);
                    continue;
                }
                var span = buffer.AsSpan(0, read.BytesWritten);
                while (span.Length >= RecordBatchHeader.Size)
                {
                    var header = RecordBatchHeader.Read(span);
                    if (header.LastOffset >= offset)
                    {
                        _producers.Observe(header);
                        if (dedupWindow > 0 && header.Length <= span.Length && nowMs - header.MaxTimestamp < dedupWindow)
                            _dedup.Observe(span[..header.Length], header.MaxTimestamp);
                    }
                    offset = Math.Max(offset, header.LastOffset + 1);
                    span = span[Math.Max(header.Length, RecordBatchHeader.Size)..];
                }
            }
        }
        catch (Exception ex) when (ex is IOException or JournalCorruptedException or ArgumentOutOfRangeException)
        {
            TopicsLog.ProducerStateIncomplete(_logger, Topic, Index, ex);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // A failed sync (or a failed undo) is final for writes until a restart recovers the journal from its files.
    private string StopWrites(Exception ex)
    {
        string failure = ex is JournalFailedException journal
            ? $"partition {Topic}/{Index}: {journal.Operation} failed: {journal.InnerException?.Message.TrimEnd('.')}; the partition accepts no writes until the broker is restarted"
            : $"partition {Topic}/{Index}: {ex.Message.TrimEnd('.')}; the partition accepts no writes until the broker is restarted";
        _failure = failure;
        TopicsLog.PartitionFailed(_logger, Topic, Index, ex);
        return failure;
    }

    private void WakeReaders()
    {
        // Pairs with OneShotSignal.AddWaiter: the end offset is published before we look for waiters.
        Interlocked.MemoryBarrier();
        var signal = _signal;
        if (!signal.HasWaiters) return;
        Volatile.Write(ref _signal, new OneShotSignal());
        signal.Fire();
    }

    private void SyncQuietly()
    {
        if (_journal is null || _failure is not null || !_journal.HasUnsyncedData) return;
        try
        {
            _journal.Sync();
        }
        catch (Exception ex) when (ex is IOException or JournalFailedException or UnauthorizedAccessException)
        {
            StopWrites(ex);
        }
    }

    private void TrimQuietly()
    {
        long offset = Volatile.Read(ref _trimRequest);
        if (_journal is null || _failure is not null || offset <= _journal.StartOffset) return;
        try
        {
            _journal.DeleteSegmentsBefore(offset);
        }
        catch (JournalFailedException ex)
        {
            StopWrites(ex);
        }
        catch (IOException ex)
        {
            TopicsLog.TrimFailed(_logger, Topic, Index, ex);
        }
    }

    private void RetainQuietly()
    {
        long maxAgeMs = Volatile.Read(ref _retentionMaxAgeMs);
        long maxBytes = Volatile.Read(ref _retentionMaxBytes);
        if (_journal is null || _failure is not null || (maxAgeMs <= 0 && maxBytes <= 0)) return;
        try
        {
            _journal.DeleteExpiredSegments(_time.GetUtcNow().ToUnixTimeMilliseconds(), maxAgeMs, maxBytes);
        }
        catch (JournalFailedException ex)
        {
            StopWrites(ex);
        }
        catch (IOException ex)
        {
            TopicsLog.RetentionFailed(_logger, Topic, Index, ex);
        }
    }

    /// <summary>Stops taking appends, finishes everything queued, syncs and closes the journal.</summary>
    public async ValueTask DisposeAsync()
    {
        ITimer? retentionTimer;
        lock (_retentionLock)
        {
            _retentionStopped = true;
            retentionTimer = _retentionTimer;
        }
        if (retentionTimer is not null) await retentionTimer.DisposeAsync().ConfigureAwait(false);
        await _loop.DisposeAsync().ConfigureAwait(false);
        if (_syncTick is not null) await _syncTick.DisposeAsync().ConfigureAwait(false);
        try
        {
            _journal?.Dispose();
        }
        catch (IOException ex)
        {
            TopicsLog.PartitionFailed(_logger, Topic, Index, ex);
        }
        // Anyone still long-polling should see the end of the partition now rather than at their deadline.
        _signal.Fire();
    }
}
