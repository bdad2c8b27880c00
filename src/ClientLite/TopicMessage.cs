using FastBroker.Wire.Records;

namespace FastBroker.ClientLite;

/// <summary>
/// One message yielded by <see cref="TopicReader.ReadAllAsync"/>. <see cref="Key"/>, <see cref="Value"/> and
/// <see cref="Headers"/> are slices of the reader's pooled fetch buffer: valid only until the enumerator moves
/// on. Copy what must outlive that.
/// </summary>
public readonly struct TopicMessage
{
    // DateTimeOffset ends at 9999-12-31; a larger header value is still a valid time in the far future.
    private const long MaxUnixMs = 253_402_300_799_999;

    private readonly long _expiresAtMs;

    internal TopicMessage(string topic, int partition, long offset, long timestampMs, bool hasKey, ReadOnlyMemory<byte> key,
        ReadOnlyMemory<byte> value, ReadOnlyMemory<byte> headers, int headerCount, long expiresAtMs)
    {
        Topic = topic;
        Partition = partition;
        Offset = offset;
        TimestampMs = timestampMs;
        HasKey = hasKey;
        Key = key;
        Value = value;
        Headers = headers;
        HeaderCount = headerCount;
        _expiresAtMs = expiresAtMs;
    }

    /// <summary>The topic the message was read from: the same string instance for every message of that topic.</summary>
    public string Topic { get; }

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

    /// <summary>
    /// When the message expires: the time in its <c>fb-expires</c> header (PROTOCOL.md section 6.6), or null when it
    /// has none. The reader skips messages expired at the time they are read unless
    /// <see cref="TopicReaderOptions.IncludeExpired"/> is set.
    /// </summary>
    public DateTimeOffset? ExpiresAt => _expiresAtMs < 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(_expiresAtMs, MaxUnixMs));
}
