using System.Buffers.Binary;

namespace FastBroker.Wire.Messages.Queues;

/// <summary>One partition's share of a delivery: the offsets delivered (as ranges) and the batches holding them.</summary>
public readonly ref struct DeliverySection
{
    private readonly ReadOnlySpan<byte> _ranges;

    internal DeliverySection(int partition, ReadOnlySpan<byte> ranges, ReadOnlySpan<byte> batches)
    {
        Partition = partition;
        _ranges = ranges;
        Batches = batches;
    }

    /// <summary>Partition index.</summary>
    public int Partition { get; }

    /// <summary>Number of ranges.</summary>
    public int RangeCount => _ranges.Length / DeliveryRange.Size;

    /// <summary>Whole record batches, as stored, covering every delivered offset.</summary>
    public ReadOnlySpan<byte> Batches { get; }

    /// <summary>Range <paramref name="index"/> (0-based, below <see cref="RangeCount"/>).</summary>
    public DeliveryRange GetRange(int index)
    {
        var at = _ranges.Slice(index * DeliveryRange.Size, DeliveryRange.Size);
        return new DeliveryRange(BinaryPrimitives.ReadInt64LittleEndian(at),
            (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(at[8..]), int.MaxValue),
            BinaryPrimitives.ReadUInt16LittleEndian(at[12..]));
    }
}
