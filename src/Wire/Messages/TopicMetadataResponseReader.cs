namespace FastBroker.Wire.Messages;

/// <summary>Walks a TopicMetadata response (u32 count, then (i64 log start, i64 log end) per partition) in place.</summary>
public ref struct TopicMetadataResponseReader
{
    private SpanReader _reader;
    private uint _left;

    /// <summary>Starts reading; false unless the body holds exactly the declared number of partitions.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> body, out TopicMetadataResponseReader reader)
    {
        reader = default;
        var r = new SpanReader(body);
        if (!r.TryReadUInt32(out uint count) || (ulong)count * 16 != (ulong)r.Remaining.Length) return false;
        reader = new TopicMetadataResponseReader { _reader = r, _left = count };
        return true;
    }

    /// <summary>The partition count.</summary>
    public readonly int Count => (int)_left;

    /// <summary>Reads the next partition's range; false at the end.</summary>
    public bool TryReadNext(out long logStartOffset, out long logEndOffset)
    {
        logStartOffset = logEndOffset = 0;
        if (_left == 0 || !_reader.TryReadInt64(out logStartOffset) || !_reader.TryReadInt64(out logEndOffset)) return false;
        _left--;
        return true;
    }
}
