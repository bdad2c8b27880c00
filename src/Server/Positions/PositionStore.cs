using System.Buffers.Binary;
using System.Text;
using FastBroker.Server.Journal;
using FastBroker.Wire;
using Microsoft.Extensions.Logging;

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
/// last record (crash mid-write) is dropped on replay. Commits are rare next to publishes, so a lock is fine here.
/// </summary>
internal sealed class PositionStore : IDisposable
{
    private readonly Dictionary<PositionKey, long> _positions = new();
    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly bool _syncEachCommit;
    private readonly ILogger _logger;
    private FileStream _log;

    private PositionStore(string path, bool syncEachCommit, ILogger logger)
    {
        _path = path;
        _syncEachCommit = syncEachCommit;
        _logger = logger;
        Replay();
        _log = Compact();
    }

    public static PositionStore Open(string dataDirectory, FsyncPolicy fsync, ILogger logger)
    {
        Directory.CreateDirectory(dataDirectory);
        return new PositionStore(Path.Combine(dataDirectory, "positions.log"), fsync.Mode == FsyncMode.Always, logger);
    }

    public bool TryGet(in PositionKey key, out long offset)
    {
        lock (_lock) return _positions.TryGetValue(key, out offset);
    }

    /// <summary>Stores a position; durable under the broker's fsync policy when this returns.</summary>
    public void Commit(in PositionKey key, long offset)
    {
        lock (_lock)
        {
            Append(_log, key, offset);
            _log.Flush(flushToDisk: _syncEachCommit);
            _positions[key] = offset;
        }
    }

    /// <summary>Forgets every position in <paramref name="topic"/> (the topic was deleted).</summary>
    public void RemoveTopic(string topic)
    {
        lock (_lock)
        {
            var doomed = new List<PositionKey>();
            foreach (var key in _positions.Keys)
                if (key.Topic == topic) doomed.Add(key);
            foreach (var key in doomed)
            {
                Append(_log, key, Protocol.NoPosition);
                _positions.Remove(key);
            }
            _log.Flush(flushToDisk: _syncEachCommit);
        }
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

    private FileStream Compact()
    {
        string temp = _path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            foreach (var (key, offset) in _positions)
                Append(stream, key, offset);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, _path, overwrite: true);
        return new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    private static void Append(FileStream stream, in PositionKey key, long offset)
    {
        int groupBytes = Encoding.UTF8.GetByteCount(key.Group);
        int topicBytes = Encoding.UTF8.GetByteCount(key.Topic);
        int length = 2 + groupBytes + 2 + topicBytes + 4 + 8;
        Span<byte> record = stackalloc byte[8 + length];
        var body = record[8..];
        BinaryPrimitives.WriteUInt16LittleEndian(body, (ushort)groupBytes);
        Encoding.UTF8.GetBytes(key.Group, body[2..]);
        BinaryPrimitives.WriteUInt16LittleEndian(body[(2 + groupBytes)..], (ushort)topicBytes);
        Encoding.UTF8.GetBytes(key.Topic, body[(4 + groupBytes)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(body[(4 + groupBytes + topicBytes)..], (uint)key.Partition);
        BinaryPrimitives.WriteInt64LittleEndian(body[(8 + groupBytes + topicBytes)..], offset);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32C.Compute(body));
        stream.Write(record);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _log.Flush(flushToDisk: true);
            _log.Dispose();
        }
    }
}
