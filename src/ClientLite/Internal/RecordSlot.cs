namespace FastBroker.ClientLite.Internal;

/// <summary>Where one decoded record's parts lie within its fetch's batch bytes.</summary>
internal readonly record struct RecordSlot(
    long Offset,
    long TimestampMs,
    bool HasKey,
    int KeyStart,
    int KeyLength,
    int HeadersStart,
    int HeadersLength,
    int HeaderCount,
    int ValueStart,
    int ValueLength)
{
    public TopicMessage ToMessage(int partition, ReadOnlyMemory<byte> batches) => new(
        partition, Offset, TimestampMs, HasKey,
        batches.Slice(KeyStart, KeyLength),
        batches.Slice(ValueStart, ValueLength),
        batches.Slice(HeadersStart, HeadersLength),
        HeaderCount);
}
