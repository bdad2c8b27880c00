namespace FastBroker.Wire.Records;

/// <summary>One record read in place from a batch; its spans are valid only while the batch bytes are.</summary>
/// <remarks>
/// Record layout inside a batch:
/// <code>
/// +--------+---------+--------+-----+--------+-------------------------------+-------+
/// | length | ts delta| key len| key | hdr cnt| headers: (u16 name len, name, | value |
/// |  u32   |   u32   |  i32   |     |  u16   |   u32 value len, value) * cnt |       |
/// +--------+---------+--------+-----+--------+-------------------------------+-------+
/// </code>
/// <c>length</c> counts the bytes after itself; key length -1 means "no key"; the value is whatever
/// remains of the record after the headers.
/// </remarks>
public readonly ref struct Record
{
    /// <summary>Creates a record view.</summary>
    public Record(long offset, long timestamp, bool hasKey, ReadOnlySpan<byte> key,
        int headerCount, ReadOnlySpan<byte> headers, ReadOnlySpan<byte> value)
    {
        Offset = offset;
        Timestamp = timestamp;
        HasKey = hasKey;
        Key = key;
        HeaderCount = headerCount;
        Headers = headers;
        Value = value;
    }

    /// <summary>Offset of the record in its partition (the batch's base offset plus its index).</summary>
    public long Offset { get; }

    /// <summary>Producer timestamp, milliseconds since the Unix epoch.</summary>
    public long Timestamp { get; }

    /// <summary>False when the record was published without a key (an empty key is a key).</summary>
    public bool HasKey { get; }

    /// <summary>The key bytes (empty when <see cref="HasKey"/> is false).</summary>
    public ReadOnlySpan<byte> Key { get; }

    /// <summary>Number of headers.</summary>
    public int HeaderCount { get; }

    /// <summary>The encoded headers; walk them with <see cref="RecordHeaderReader"/>.</summary>
    public ReadOnlySpan<byte> Headers { get; }

    /// <summary>The payload.</summary>
    public ReadOnlySpan<byte> Value { get; }
}
