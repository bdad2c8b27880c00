namespace FastBroker.Wire.Messages;

/// <summary>A parsed ListOffsets request (PROTOCOL.md section 5.24), read in place.</summary>
/// <remarks>
/// <code>
/// +--------+----------+-------+----------------------------------+
/// | topic  |  name    | count | (partition u32, timestamp i64) * |
/// | len u16|  UTF-8   |  u32  | count                            |
/// +--------+----------+-------+----------------------------------+
/// </code>
/// Exact grammar: the body ends right after the last entry.
/// </remarks>
public readonly ref struct ListOffsetsRequest
{
    /// <summary>The timestamp that asks for the log end: the offset the next published record will get.</summary>
    public const long Latest = -1;

    /// <summary>The timestamp that asks for the log start: the first offset still stored.</summary>
    public const long Earliest = -2;

    /// <summary>Bytes of one entry.</summary>
    public const int EntrySize = 12;

    private readonly ReadOnlySpan<byte> _entries;

    private ListOffsetsRequest(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> entries)
    {
        Topic = topic;
        _entries = entries;
    }

    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; }

    /// <summary>Number of entries.</summary>
    public int Count => _entries.Length / EntrySize;

    /// <summary>Entry <paramref name="index"/>: a partition and a timestamp (ms since the epoch, <see cref="Latest"/> or <see cref="Earliest"/>).</summary>
    public (uint Partition, long Timestamp) this[int index]
    {
        get
        {
            var r = new SpanReader(_entries.Slice(index * EntrySize, EntrySize));
            r.TryReadUInt32(out uint partition);
            r.TryReadInt64(out long timestamp);
            return (partition, timestamp);
        }
    }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out ListOffsetsRequest request)
    {
        request = default;
        var r = new SpanReader(body);
        if (!r.TryReadString(out var topic) || !r.TryReadUInt32(out uint count)) return false;
        if ((ulong)count * EntrySize != (ulong)r.Remaining.Length) return false;
        request = new ListOffsetsRequest(topic, r.Remaining);
        return true;
    }
}
