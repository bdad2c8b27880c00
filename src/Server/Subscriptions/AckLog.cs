using System.Buffers;
using FastBroker.Server.Durability;
using FastBroker.Server.Journal;
using FastBroker.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace FastBroker.Server.Subscriptions;

/// <summary>
/// The durable ack state of one shared subscription: an append-only file of <see cref="AckRecord"/>s written by one
/// <see cref="GroupCommitLoop{T}"/> (one write and, under fsync=always, one fdatasync for everything queued), replayed at start
/// and compacted into snapshots when it grows. Waiters (acks that must be durable before they are answered) are
/// completed only after the write that holds them is durable under the broker's fsync policy.
/// </summary>
internal sealed partial class AckLog : IGroupCommitter<AckLogEntry>, IAsyncDisposable
{
    private const int MaxGroupEntries = 4096;

    private readonly string _path;
    private readonly FsyncPolicy _fsync;
    private readonly long _compactAtBytes;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IAckLogOwner _owner;
    private readonly GroupCommitLoop<AckLogEntry> _loop;
    private readonly long[] _floors;
    private readonly DelayedTick? _syncTick;
    private SafeFileHandle _file;
    private long _length;
    // A compacted log as large as the threshold would be compacted again by the next group: the next compaction
    // waits until the log has at least doubled since the last one.
    private long _compactAt;
    private long _lastSync;
    private bool _unsynced;
    private volatile string? _failure;

    private AckLog(string path, FsyncPolicy fsync, long compactAtBytes, ILogger logger, TimeProvider time, IAckLogOwner owner, SafeFileHandle file, long length)
    {
        _path = path;
        _fsync = fsync;
        _compactAtBytes = compactAtBytes;
        _logger = logger;
        _time = time;
        _owner = owner;
        _file = file;
        _length = length;
        _compactAt = NextCompactionAt(compactAtBytes, length);
        _floors = new long[owner.PartitionCount];
        _loop = new GroupCommitLoop<AckLogEntry>($"ack log '{path}'", this, MaxGroupEntries, long.MaxValue, logger);
        if (fsync.Mode == FsyncMode.Interval) _syncTick = new DelayedTick(time, _loop.RequestTick);
    }

    /// <summary>Why the log stopped accepting records (a storage failure, or its loop stopped by an unexpected
    /// error), or null.</summary>
    public string? Failure => _failure ?? _loop.Failure;

    /// <summary>The writer loop (tests inject failures through it).</summary>
    internal GroupCommitLoop<AckLogEntry> Writer => _loop;

    /// <summary>Replays <paramref name="path"/> into <paramref name="owner"/> (cutting off a torn tail), compacts it,
    /// and starts the writer loop.</summary>
    public static AckLog Open(string path, FsyncPolicy fsync, long compactAtBytes, ILogger logger, TimeProvider time, IAckLogOwner owner)
    {
        if (File.Exists(path)) Replay(path, owner, logger);
        var log = new AckLog(path, fsync, compactAtBytes, logger, time, owner, WriteCompacted(path, owner, out long length), length);
        log._loop.Start();
        return log;
    }

    /// <summary>Queues a record; false once the log is closing.</summary>
    public bool TryAppend(in AckLogEntry entry) => _loop.TryEnqueue(entry);

    private static void Replay(string path, IAckReplayTarget owner, ILogger logger)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int at = 0;
        while (AckRecord.TryRead(bytes.AsSpan(at), out var kind, out int partition, out long a, out long b))
        {
            at += AckRecord.Size;
            if (partition >= owner.PartitionCount) continue;
            switch (kind)
            {
                case AckRecordKind.Ack: owner.ReplayAck(partition, a, b); break;
                case AckRecordKind.Deliveries: owner.ReplayDeliveries(partition, a, (ushort)b); break;
                case AckRecordKind.DeadLettered: owner.ReplayDeadLettered(partition, a, (ushort)b); break;
                case AckRecordKind.Snapshot: owner.ReplaySnapshot(partition, a, b); break;
            }
        }
        if (at < bytes.Length) SubscriptionsLog.AckLogTailDropped(logger, path, bytes.Length - at);
    }

    // Writes every partition's state to a new file and swaps it in atomically (rename), so a crash at any point
    // leaves either the old log or the new one.
    private static SafeFileHandle WriteCompacted(string path, IAckReplayTarget owner, out long length)
    {
        long written = 0;
        DurableFile.Replace(path, owner, (handle, owner) =>
        {
            using var writer = new AckSnapshotWriter(handle);
            for (int p = 0; p < owner.PartitionCount; p++)
                owner.WriteSnapshot(p, writer);
            writer.Flush();
            written = writer.Length;
        });
        length = written;
        return File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
    }

    ValueTask IGroupCommitter<AckLogEntry>.CommitGroupAsync(AckLogEntry[] group, int count)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(count * AckRecord.Size);
        try
        {
            int bytes = 0;
            bool rewrite = false;
            for (int i = 0; i < count; i++)
            {
                ref readonly var entry = ref group[i];
                if (entry.Kind == AckRecordKind.Rewrite)
                {
                    rewrite = true;
                    continue;
                }
                if (entry.Kind == AckRecordKind.Floor)
                {
                    // Queued after the records that moved the floor, so once this group is durable, so is it.
                    _floors[entry.Partition] = Math.Max(_floors[entry.Partition], entry.A);
                    continue;
                }
                if (entry.Kind == AckRecordKind.Marker) continue;
                AckRecord.Write(buffer.AsSpan(bytes), entry.Kind, entry.Partition, entry.A, entry.B);
                bytes += AckRecord.Size;
            }
            Commit(group, count, buffer.AsSpan(0, bytes), rewrite);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return default;
    }

    // A sync tick under fsync=interval: an empty group syncs what is due and reports floors.
    void IGroupCommitter<AckLogEntry>.Tick()
    {
        Commit([], 0, default, rewrite: false);
    }

    // Loop only. Armed an interval after a write that left data unsynced, which is never before that sync is due.
    private void ArmSyncTimer()
    {
        if (_unsynced && _failure is null) _syncTick?.Arm(_fsync.Interval);
    }

    void IGroupCommitter<AckLogEntry>.Fail(in AckLogEntry entry, string failure)
        => entry.Completion?.SettleFailed(entry.RequestId, ErrorCode.StorageError, failure);

    long IGroupCommitter<AckLogEntry>.WeightOf(in AckLogEntry entry) => 0;

    private void Commit(AckLogEntry[] group, int count, ReadOnlySpan<byte> records, bool rewrite)
    {
        string? failure = _failure;
        if (failure is null)
        {
            try
            {
                if (records.Length > 0)
                {
                    RandomAccess.Write(_file, records, _length);
                    _length += records.Length;
                    _unsynced = true;
                }
                if (rewrite)
                {
                    Rewrite();
                }
                else
                {
                    SyncIfDue();
                    if (_length >= _compactAt) Compact();
                }
            }
            catch (IOException ex)
            {
                failure = $"ack log '{_path}' stopped after a storage failure: {ex.Message}";
                _failure = failure;
                SubscriptionsLog.AckLogFailed(_logger, _path, ex);
            }
        }
        // Before the waiters hear of it: whoever learns this group is written may count on the sync timer running.
        ArmSyncTimer();

        for (int i = 0; i < count; i++)
        {
            ref var entry = ref group[i];
            if (entry.Completion is { } completion)
            {
                if (failure is null) completion.SettleDurable(entry.RequestId, entry.Opcode, (uint)entry.A);
                else completion.SettleFailed(entry.RequestId, ErrorCode.StorageError, failure);
            }
            entry = default;
        }
    }

    private void SyncIfDue()
    {
        bool sync = _fsync.Mode switch
        {
            FsyncMode.Always => _unsynced,
            FsyncMode.Interval => _unsynced && _time.GetElapsedTime(_lastSync) >= _fsync.Interval,
            _ => false,
        };
        if (sync)
        {
            if (LibC.FDataSync(_file) != 0) throw LibC.Error("fdatasync", _path);
            _unsynced = false;
            _lastSync = _time.GetTimestamp();
        }
        if (!_unsynced || _fsync.Mode == FsyncMode.Never) _owner.FloorsDurable(_floors);
    }

    private void Compact()
    {
        var old = _file;
        _file = WriteCompacted(_path, _owner, out _length);
        _compactAt = NextCompactionAt(_compactAtBytes, _length);
        old.Dispose();
        _unsynced = false;
        SubscriptionsLog.AckLogCompacted(_logger, _path, _length);
    }

    // After a reset: the floors now (a reset lowered them; nothing raises them past what the snapshot will hold,
    // as they are read first) become the log's, then the whole state is written and synced in place of the log.
    private void Rewrite()
    {
        for (int p = 0; p < _floors.Length; p++) _floors[p] = _owner.CurrentFloor(p);
        Compact();
        _owner.FloorsRewritten(_floors);
    }

    internal static long NextCompactionAt(long threshold, long compactedLength) => Math.Max(threshold, 2 * compactedLength);

    /// <summary>Writes and syncs everything queued, then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _loop.DisposeAsync().ConfigureAwait(false);
        if (_syncTick is not null) await _syncTick.DisposeAsync().ConfigureAwait(false);
        try
        {
            if (_unsynced && Failure is null && LibC.FDataSync(_file) != 0) throw LibC.Error("fdatasync", _path);
        }
        catch (IOException ex)
        {
            SubscriptionsLog.AckLogFailed(_logger, _path, ex);
        }
        _file.Dispose();
    }
}
