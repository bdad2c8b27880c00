namespace FastBroker.Wire.Messages.Queues;

/// <summary>A run of consecutive offsets of one partition: <c>[First, First + Count)</c>.</summary>
/// <remarks>Encoded as <c>i64 first, u32 count</c> (12 bytes) in Ack, Nack and Extend.</remarks>
public readonly record struct OffsetRange(int Partition, long First, int Count)
{
    /// <summary>Encoded size of one range inside a section.</summary>
    public const int Size = 12;

    /// <summary>One past the last offset.</summary>
    public long End => First + Count;
}
