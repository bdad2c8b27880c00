using System.Buffers.Binary;
using System.Text;
using FastBroker.Server.Durability;
using FastBroker.Server.Journal;
using FastBroker.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace FastBroker.Server.Positions;

/// <summary>
/// Durable named consumer positions: an in-memory map backed by an append-only log
/// (<c>{data}/positions.log</c>) that is replayed and compacted on open. Each record:
/// <code>
/// +--------+--------+--------------+--------------+-----------+--------+
/// | length | crc32c | string group | string topic | partition | offset |
/// |  u32   |  u32   |              |              |    u32    |  i64   |
/// +--------+--------+--------------+--------------+-----------+--------+
/// </code>
/// <c>length</c> counts the bytes after the CRC; the CRC covers them. Offset -1 removes the position. A torn
/// last record (crash mid-write) is dropped on replay.
/// <para>
/// Commits go through a <see cref="GroupCommitLoop{T}"/>: everything queued is written once and synced once under
/// the broker's fsync policy, then the map is updated and every committer answered. A failed write answers its
/// group with StorageError and the next group writes over the same bytes; a failed fsync stops the store (no blind
/// retry: the kernel may have dropped the pages), and every later commit is answered with why.
/// </para>
/// </summary>
internal sealed class PositionStore : IGroupCommitter<PositionWrite>, IAsyncDisposable, IDisposable
{
    private const int MaxGroupWrites = 1024;

    // Guards the map only: sessions read it, the loop writes it. Never held across I/O.
    private readonly Dictionary<PositionKey, long> _positions = new();
    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly FsyncPolicy _fsync;
    private readonly ILogger _logger;
    private readonly GroupCommitLoop<PositionWrite> _loop;
    private readonly DelayedTick? _syncTick;
    private SafeFileHandle _file = null!;
    private byte[] _buffer = [];
    private long _length;
    private bool _unsynced;
    private volatile string? _failure;
    private int _disposed;

    private PositionStore(string path, FsyncPolicy fsync, ILogger logger, TimeProvider time, Func<string, bool>? topicExists)
    {
        _path = path;
        _fsync = fsync;
        _logger = logger;
        Replay();
        if (topicExists is not null) ForgetMissingTopics(topicExists);
        Compact();
        _loop = new GroupCommitLoop<PositionWrite>("position store", this, MaxGroupWrites, long.MaxValue, logger);
        if (fsync.Mode == FsyncMode.Interval) _syncTick = new DelayedTick(time, _loop.RequestTick);
        _loop.Start();
    }

    /// <summary>
    /// Opens the store. With <paramref name="topicExists"/>, positions on topics it does not know are forgotten (and
    /// the compaction that follows makes that durable): a crash between a topic's deletion and its positions' removal
    /// must not hand those positions to a topic created later under the same name.
    /// </summary>
    public static PositionStore Open(string dataDirectory, FsyncPolicy fsync, ILogger logger, TimeProvider? time = null,
        Func<string, bool>? topicExists = null)
    {
        Directory.CreateDirectory(dataDirectory);
        return new PositionStore(Path.Combine(dataDirectory, "positions.log"), fsync, logger, time ?? TimeProvider.System, topicExists);
    }

    private void ForgetMissingTopics(Func<string, bool> topicExists)
    {
        var missing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in _positions.Keys)
            if (!missing.Contains(key.Topic) && !topicExists(key.Topic)) missing.Add(key.Topic);
        if (missing.Count == 0) return;
        var doomed = new List<PositionKey>();
        foreach (var key in _positions.Keys)
            if (missing.Contains(key.Topic)) doomed.Add(key);
        foreach (var key in doomed) _positions.Remove(key);
        foreach (string topic in missing) PositionsLog.TopicPositionsDropped(_logger, topic);
    }

    /// <summary>Why the store refuses commits (a failed fsync, or its loop stopped by an unexpected error), or null.</summary>
    public string? Failure => _failure ?? _loop.Failure;

    /// <summary>The writer loop (tests inject failures through it).</summary>
    internal GroupCommitLoop<PositionWrite> Writer => _loop;

    public bool TryGet(in PositionKey key, out long offset)
    {
        lock (_lock) return _positions.TryGetValue(key, out offset);
    }

    /// <summary>Queues a position; <paramref name="completion"/> hears once it is durable under the broker's fsync
    /// policy (and visible to <see cref="TryGet"/>), or why it failed. False once the store is closing.</summary>
    public bool TryCommit(in PositionKey key, long offset, IPositionCompletion completion, uint requestId)
        => _loop.TryEnqueue(new PositionWrite(key, offset, completion, requestId));

    /// <summary>Forgets every position in <paramref name="topic"/> (the topic was deleted), in order with the
    /// commits queued before. The group that carries it is synced whatever the fsync policy, as a topic's deletion is.</summary>
    public void RemoveTopic(string topic) => RemoveTopic(topic, null, 0);

    /// <summary>As <see cref="RemoveTopic(string)"/>; <paramref name="completion"/> hears once the removal is durable
    /// (and <see cref="TryGet"/> no longer finds those positions), or why it failed. False once the store is closing.</summary>
    public bool RemoveTopic(string topic, IPositionCompletion? completion, uint requestId)
        => _loop.TryEnqueue(new PositionWrite(new PositionKey("", topic, 0), Protocol.NoPosition, completion, requestId, WholeTopic: true));

    /// <summary>
    /// Queues several positions as one change (a group reset): they are written in one group and synced whatever the
    /// fsync policy, as an administrative change is; <paramref name="completion"/> hears once all are durable (and
    /// visible to <see cref="TryGet"/>), or why none was stored. False once the store is closing.
    /// </summary>
    public bool TryCommitAll((PositionKey Key, long Offset)[] positions, IPositionCompletion completion, uint requestId)
        => _loop.TryEnqueue(new PositionWrite(default, 0, completion, requestId, Batch: positions));

    /// <summary>Every group with a stored position, in ordinal order, each with the topics it has positions on (ordinal order).</summary>
    public List<(string Group, IReadOnlyList<string> Topics)> ListGroups()
    {
        var groups = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var key in _positions.Keys)
            {
                if (!groups.TryGetValue(key.Group, out var topics)) groups[key.Group] = topics = new SortedSet<string>(StringComparer.Ordinal);
                topics.Add(key.Topic);
            }
        }
        var list = new List<(string, IReadOnlyList<string>)>(groups.Count);
        foreach (var (group, topics) in groups) list.Add((group, [.. topics]));
        return list;
    }

    /// <summary>The topics <paramref name="group"/> has a stored position on, in ordinal order.</summary>
    public List<string> TopicsOf(string group)
    {
        var topics = new SortedSet<string>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var key in _positions.Keys)
                if (key.Group == group) topics.Add(key.Topic);
        }
        return [.. topics];
    }

    ValueTask IGroupCommitter<PositionWrite>.CommitGroupAsync(PositionWrite[] group, int count)
    {
        string? failure = _failure;
        if (failure is null)
        {
            int bytes = Encode(group, count, out bool mustSync);
            try
            {
                RandomAccess.Write(_file, _buffer.AsSpan(0, bytes), _length);
            }
            catch (IOException ex)
            {
                // Nothing was acknowledged from these bytes, and the next group writes over them.
                failure = $"could not store the position: {ex.Message}";
            }
            if (failure is null)
            {
                _length += bytes;
                _unsynced |= bytes > 0;
                // A deleted topic's positions must not outlive it in a crash, or a topic created later under the same
                // name would resume from them (PROTOCOL.md 5.4); a group reset is answered as durable (5.28).
                if (_fsync.Mode == FsyncMode.Always || mustSync) failure = SyncOrStop();
            }
        }
        if (failure is null) Apply(group, count);
        // Before the committers hear of it: whoever learns this group is written may count on the sync timer running.
        ArmSyncTimer();

        for (int i = 0; i < count; i++)
        {
            ref var write = ref group[i];
            if (write.Completion is { } completion)
            {
                if (failure is null) completion.PositionCommitted(write.RequestId);
                else completion.PositionFailed(write.RequestId, ErrorCode.StorageError, failure);
            }
            write = default;
        }
        return default;
    }

    // Loop only; the timer fires an interval after the first unsynced group, never earlier than the sync is due.
    private void ArmSyncTimer()
    {
        if (_unsynced && _failure is null) _syncTick?.Arm(_fsync.Interval);
    }

    void IGroupCommitter<PositionWrite>.Tick()
    {
        if (_failure is null) SyncOrStop();
    }

    void IGroupCommitter<PositionWrite>.Fail(in PositionWrite write, string failure)
        => write.Completion?.PositionFailed(write.RequestId, ErrorCode.StorageError, failure);

    long IGroupCommitter<PositionWrite>.WeightOf(in PositionWrite write) => 0;

    private string? SyncOrStop()
    {
        if (!_unsynced) return null;
        if (LibC.FDataSync(_file) == 0)
        {
            _unsynced = false;
            return null;
        }
        var error = LibC.Error("fdatasync", _path);
        _failure = $"position store stopped after a failed sync of '{_path}': {error.Message} Positions committed since the last good sync may be lost; restart the broker.";
        PositionsLog.StoreFailed(_logger, _path, error);
        return _failure;
    }

    // Records for the whole group into one reused buffer, so the group is one write.
    private int Encode(PositionWrite[] group, int count, out bool mustSync)
    {
        int bytes = 0;
        mustSync = false;
        for (int i = 0; i < count; i++)
        {
            ref readonly var write = ref group[i];
            if (write.Batch is { } batch)
            {
                mustSync = true;
                foreach (var (key, offset) in batch) bytes = Append(key, offset, bytes);
                continue;
            }
            if (!write.WholeTopic)
            {
                bytes = Append(write.Key, write.Offset, bytes);
                continue;
            }
            mustSync = true;
            lock (_lock)
            {
                foreach (var key in _positions.Keys)
                    if (key.Topic == write.Key.Topic) bytes = Append(key, Protocol.NoPosition, bytes);
            }
        }
        return bytes;
    }

    private void Apply(PositionWrite[] group, int count)
    {
        lock (_lock)
        {
            for (int i = 0; i < count; i++)
            {
                ref readonly var write = ref group[i];
                if (write.Batch is { } batch)
                {
                    foreach (var (key, offset) in batch) _positions[key] = offset;
                    continue;
                }
                if (!write.WholeTopic)
                {
                    _positions[write.Key] = write.Offset;
                    continue;
                }
                var doomed = new List<PositionKey>();
                foreach (var key in _positions.Keys)
                    if (key.Topic == write.Key.Topic) doomed.Add(key);
                foreach (var key in doomed) _positions.Remove(key);
            }
        }
    }

    private int Append(in PositionKey key, long offset, int at)
    {
        int size = RecordSize(key);
        if (_buffer.Length - at < size) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, at + size));
        WriteRecord(_buffer.AsSpan(at, size), key, offset);
        return at + size;
    }

    private static int RecordSize(in PositionKey key)
        => 8 + 2 + Encoding.UTF8.GetByteCount(key.Group) + 2 + Encoding.UTF8.GetByteCount(key.Topic) + 4 + 8;

    private static void WriteRecord(Span<byte> record, in PositionKey key, long offset)
    {
        int groupBytes = Encoding.UTF8.GetByteCount(key.Group);
        int topicBytes = Encoding.UTF8.GetByteCount(key.Topic);
        var body = record[8..];
        BinaryPrimitives.WriteUInt16LittleEndian(body, (ushort)groupBytes);
        Encoding.UTF8.GetBytes(key.Group, body[2..]);
        BinaryPrimitives.WriteUInt16LittleEndian(body[(2 + groupBytes)..], (ushort)topicBytes);
        Encoding.UTF8.GetBytes(key.Topic, body[(4 + groupBytes)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(body[(4 + groupBytes + topicBytes)..], (uint)key.Partition);
        BinaryPrimitives.WriteInt64LittleEndian(body[(8 + groupBytes + topicBytes)..], offset);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32C.Compute(body));
    }

    private void Replay()
    {
        if (!File.Exists(_path)) return;
        byte[] data = File.ReadAllBytes(_path);
        int position = 0;
        while (data.Length - position >= 8)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(position));
            if (length > data.Length - position - 8) break;
            var body = data.AsSpan(position + 8, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(position + 4)) != Crc32C.Compute(body)) break;
            var reader = new SpanReader(body);
            if (!reader.TryReadString(out var group) || !reader.TryReadString(out var topic)
                || !reader.TryReadUInt32(out uint partition) || !reader.TryReadInt64(out long offset) || !reader.End)
                break;
            var key = new PositionKey(Encoding.UTF8.GetString(group), Encoding.UTF8.GetString(topic), (int)partition);
            if (offset < 0) _positions.Remove(key);
            else _positions[key] = offset;
            position += 8 + (int)length;
        }
        if (position != data.Length)
            PositionsLog.TornTailDropped(_logger, _path, position, data.Length - position);
    }

    // One record per live position, replacing the log: a crash at any point leaves the old log or the new one.
    private void Compact()
    {
        int bytes = 0;
        foreach (var (key, offset) in _positions) bytes = Append(key, offset, bytes);
        Durability.DurableFile.Replace(_path, _buffer.AsSpan(0, bytes));
        _file = File.OpenHandle(_path, FileMode.Open, FileAccess.Write);
        _length = bytes;
        // The compaction buffer can be as large as every position; commits need only a group's worth.
        _buffer = [];
    }

    /// <summary>Writes and syncs everything queued, then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_syncTick is not null) await _syncTick.DisposeAsync().ConfigureAwait(false);
        await _loop.DisposeAsync().ConfigureAwait(false);
        if (_failure is null) SyncOrStop();
        _file.Dispose();
    }

    /// <summary>For hosts that stop synchronously: blocks until <see cref="DisposeAsync"/> has finished.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
