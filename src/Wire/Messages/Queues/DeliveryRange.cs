namespace FastBroker.Wire.Messages.Queues;

/// <summary>A run of consecutive delivered offsets that share a delivery count.</summary>
/// <remarks>Encoded as <c>i64 first, u32 count, u16 delivery count</c> (14 bytes) in a delivery section.</remarks>
public readonly record struct DeliveryRange(long First, int Count, ushort DeliveryCount)
{
    /// <summary>Encoded size.</summary>
    public const int Size = 14;

    /// <summary>One past the last offset.</summary>
    public long End => First + Count;
}
