namespace FastBroker.Wire.Messages.Groups;

/// <summary>Walks a DescribeGroup response (PROTOCOL.md 5.27: u32 count, then per entry a string topic, u32 partition
/// and five i64: committed, log start, log end, lag, age ms) in place.</summary>
public ref struct DescribeGroupResponseReader
{
    /// <summary>Bytes of an entry besides its topic's characters.</summary>
    public const int FixedEntrySize = 2 + 4 + 5 * 8;

    private SpanReader _reader;
    private uint _left;

    /// <summary>Starts reading; false when the count is missing or claims more entries than the body can hold.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> body, out DescribeGroupResponseReader reader)
    {
        reader = default;
        var r = new SpanReader(body);
        if (!r.TryReadUInt32(out uint count) || count > (uint)r.Remaining.Length / FixedEntrySize) return false;
        reader = new DescribeGroupResponseReader { _reader = r, _left = count };
        return true;
    }

    /// <summary>Entries not read yet.</summary>
    public readonly int Remaining => (int)_left;

    /// <summary>Reads the next entry; false at the end or on malformed bytes.</summary>
    public bool TryReadNext(out ReadOnlySpan<byte> topic, out uint partition, out long committed, out long logStart, out long logEnd,
        out long lag, out long ageMs)
    {
        topic = default;
        partition = 0;
        committed = logStart = logEnd = lag = ageMs = 0;
        if (_left == 0 || !_reader.TryReadString(out topic) || !_reader.TryReadUInt32(out partition) || !_reader.TryReadInt64(out committed)
            || !_reader.TryReadInt64(out logStart) || !_reader.TryReadInt64(out logEnd) || !_reader.TryReadInt64(out lag)
            || !_reader.TryReadInt64(out ageMs))
            return false;
        _left--;
        return true;
    }

    /// <summary>True once every entry was read and no byte is left over.</summary>
    public readonly bool IsComplete => _left == 0 && _reader.End;
}
