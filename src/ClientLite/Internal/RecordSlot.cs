using FastBroker.Wire.Records;

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
    /// <summary>The slot of <paramref name="record"/>, read in place from <paramref name="batches"/>.</summary>
    public static RecordSlot Of(in Record record, ReadOnlySpan<byte> batches) => new(record.Offset, record.Timestamp,
        record.HasKey, Locate(batches, record.Key), record.Key.Length,
        Locate(batches, record.Headers), record.Headers.Length, record.HeaderCount,
        Locate(batches, record.Value), record.Value.Length,
        MessageExpiry.TryGetExpiry(record, out long expiresAtMs) ? expiresAtMs : -1);

    public TopicMessage ToMessage(string topic, int partition, ReadOnlyMemory<byte> batches) => new(
        topic, partition, Offset, TimestampMs, HasKey,
        batches.Slice(KeyStart, KeyLength),
        batches.Slice(ValueStart, ValueLength),
        batches.Slice(HeadersStart, HeadersLength),
        HeaderCount, ExpiresAtMs);

    /// <summary>True when the record carries an expiry time at or before <paramref name="nowMs"/> (PROTOCOL.md section 6.6).</summary>
    public bool IsExpiredAt(long nowMs) => ExpiresAtMs >= 0 && ExpiresAtMs <= nowMs;

    private static int Locate(ReadOnlySpan<byte> whole, ReadOnlySpan<byte> part)
        => part.IsEmpty || !whole.Overlaps(part, out int offset) ? 0 : offset;
}
