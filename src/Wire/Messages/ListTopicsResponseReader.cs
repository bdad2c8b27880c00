namespace FastBroker.Wire.Messages;

/// <summary>Walks a ListTopics response (u32 count, then (string name, u32 partitions) per topic) in place.</summary>
public ref struct ListTopicsResponseReader
{
    private SpanReader _reader;
    private uint _left;

    /// <summary>Starts reading; false when the count is missing or claims more topics than the body can hold.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> body, out ListTopicsResponseReader reader)
    {
        reader = default;
        var r = new SpanReader(body);
        // Each entry is at least 6 bytes, so a larger count is a lie told to make us allocate.
        if (!r.TryReadUInt32(out uint count) || count > (uint)r.Remaining.Length / 6) return false;
        reader = new ListTopicsResponseReader { _reader = r, _left = count };
        return true;
    }

    /// <summary>Topics not yet read.</summary>
    public readonly int Remaining => (int)_left;

    /// <summary>Reads the next topic; false at the end or on malformed bytes.</summary>
    public bool TryReadNext(out ReadOnlySpan<byte> name, out int partitions)
    {
        partitions = 0;
        name = default;
        if (_left == 0 || !_reader.TryReadString(out name) || !_reader.TryReadUInt32(out uint count) || count > int.MaxValue)
            return false;
        partitions = (int)count;
        _left--;
        return true;
    }

    /// <summary>True once every topic was read and no byte is left over.</summary>
    public readonly bool IsComplete => _left == 0 && _reader.End;
}
