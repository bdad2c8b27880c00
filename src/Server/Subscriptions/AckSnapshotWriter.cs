using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace FastBroker.Server.Subscriptions;

/// <summary>Encodes the records of a compacted ack log: per partition a snapshot (floor, dead-lettered count),
/// then the done runs above the floor and the delivery counts worth keeping.</summary>
/// <remarks>Written to the file through one small buffer as it goes: a filtered subscription's window holds a run per
/// skipped stretch, 10 MB of records per partition for a filter taking every tenth message, and building the whole
/// snapshot in memory churned hundreds of megabytes of large arrays through each compaction.</remarks>
internal sealed class AckSnapshotWriter : IDisposable
{
    private const int BufferBytes = 64 * 1024;

    private readonly SafeFileHandle _file;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
    private int _buffered;

    public AckSnapshotWriter(SafeFileHandle file) => _file = file;

    /// <summary>Bytes written so far, buffered ones included.</summary>
    public long Length { get; private set; }

    public void Snapshot(int partition, long floor, long deadLettered) => Add(AckRecordKind.Snapshot, partition, floor, deadLettered);

    public void Ack(int partition, long first, long count) => Add(AckRecordKind.Ack, partition, first, count);

    public void Deliveries(int partition, long offset, ushort deliveries) => Add(AckRecordKind.Deliveries, partition, offset, deliveries);

    /// <summary>Writes what is buffered to the file.</summary>
    public void Flush()
    {
        if (_buffered == 0) return;
        RandomAccess.Write(_file, _buffer.AsSpan(0, _buffered), Length - _buffered);
        _buffered = 0;
    }

    public void Dispose()
    {
        if (_buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void Add(AckRecordKind kind, int partition, long a, long b)
    {
        if (_buffered + AckRecord.Size > _buffer.Length) Flush();
        AckRecord.Write(_buffer.AsSpan(_buffered, AckRecord.Size), kind, partition, a, b);
        _buffered += AckRecord.Size;
        Length += AckRecord.Size;
    }
}
