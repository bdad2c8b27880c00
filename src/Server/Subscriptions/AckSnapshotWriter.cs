using System.Buffers;

namespace FastBroker.Server.Subscriptions;

/// <summary>Encodes the records of a compacted ack log: per partition a snapshot (floor, dead-lettered count),
/// then the done runs above the floor and the delivery counts worth keeping.</summary>
internal sealed class AckSnapshotWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public void Snapshot(int partition, long floor, long deadLettered) => Add(AckRecordKind.Snapshot, partition, floor, deadLettered);

    public void Ack(int partition, long first, long count) => Add(AckRecordKind.Ack, partition, first, count);

    public void Deliveries(int partition, long offset, ushort deliveries) => Add(AckRecordKind.Deliveries, partition, offset, deliveries);

    private void Add(AckRecordKind kind, int partition, long a, long b)
    {
        AckRecord.Write(_buffer.GetSpan(AckRecord.Size), kind, partition, a, b);
        _buffer.Advance(AckRecord.Size);
    }
}
