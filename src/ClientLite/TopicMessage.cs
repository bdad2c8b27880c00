using FastBroker.Wire.Records;

namespace FastBroker.ClientLite;

/// <summary>
/// One message yielded by <see cref="TopicReader.ReadAllAsync"/>. <see cref="Key"/>, <see cref="Value"/> and
/// <see cref="Headers"/> are slices of the reader's pooled fetch buffer: valid only until the enumerator moves
/// on. Copy what must outlive that.
/// </summary>
public readonly struct TopicMessage
{
    internal TopicMessage(int partition, long offset, long timestampMs, bool hasKey, ReadOnlyMemory<byte> key,
        ReadOnlyMemory<byte> value, ReadOnlyMemory<byte> headers, int headerCount)
    {
        Partition = partition;
        Offset = offset;
        TimestampMs = timestampMs;
        HasKey = hasKey;
        Key = key;
        Value = value;
        Headers = headers;
        HeaderCount = headerCount;
    }

    /// <summary>The partition the message was read from.</summary>
    public int Partition { get; }

    /// <summary>The message's offset in its partition.</summary>
    public long Offset { get; }

    /// <summary>Producer timestamp, milliseconds since the Unix epoch.</summary>
    public long TimestampMs { get; }

    /// <summary>Producer timestamp.</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs);

    /// <summary>False when the message was published without a key (an empty key is a key).</summary>
    public bool HasKey { get; }

    /// <summary>The key (empty when <see cref="HasKey"/> is false).</summary>
    public ReadOnlyMemory<byte> Key { get; }

    /// <summary>The payload.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>The encoded headers; walk them with <see cref="RecordHeaderReader"/>.</summary>
    public ReadOnlyMemory<byte> Headers { get; }

    /// <summary>Number of headers.</summary>
    public int HeaderCount { get; }
}
