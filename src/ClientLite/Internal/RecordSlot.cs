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
    int ValueLength,
    long ExpiresAtMs)
{
    public TopicMessage ToMessage(string topic, int partition, ReadOnlyMemory<byte> batches) => new(
        topic, partition, Offset, TimestampMs, HasKey,
        batches.Slice(KeyStart, KeyLength),
        batches.Slice(ValueStart, ValueLength),
        batches.Slice(HeadersStart, HeadersLength),
        HeaderCount, ExpiresAtMs);

    /// <summary>True when the record carries an expiry time at or before <paramref name="nowMs"/> (PROTOCOL.md section 6.6).</summary>
    public bool IsExpiredAt(long nowMs) => ExpiresAtMs >= 0 && ExpiresAtMs <= nowMs;
}
