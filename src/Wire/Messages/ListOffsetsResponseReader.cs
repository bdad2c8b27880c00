namespace FastBroker.Wire.Messages;

/// <summary>Walks a ListOffsets response (u32 count, then (u32 partition, i64 offset) per entry) in place.</summary>
public ref struct ListOffsetsResponseReader
{
    private SpanReader _reader;
    private uint _left;

    /// <summary>Starts reading; false unless the body holds exactly the declared number of entries.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> body, out ListOffsetsResponseReader reader)
    {
        reader = default;
        var r = new SpanReader(body);
        if (!r.TryReadUInt32(out uint count) || (ulong)count * ListOffsetsRequest.EntrySize != (ulong)r.Remaining.Length) return false;
        reader = new ListOffsetsResponseReader { _reader = r, _left = count };
        return true;
    }

    /// <summary>Entries not read yet.</summary>
    public readonly int Remaining => (int)_left;

    /// <summary>Reads the next entry; false at the end.</summary>
    public bool TryReadNext(out uint partition, out long offset)
    {
        partition = 0;
        offset = 0;
        if (_left == 0 || !_reader.TryReadUInt32(out partition) || !_reader.TryReadInt64(out offset)) return false;
        _left--;
        return true;
    }
}
