namespace FastBroker.Wire.Messages;

/// <summary>
/// Walks a ListTopics response (u32 count, then (string name, u32 partitions) per topic, each followed by a 16-byte
/// id when the request asked for ids) in place.
/// </summary>
public ref struct ListTopicsResponseReader
{
    private SpanReader _reader;
    private uint _left;
    private bool _withIds;

    /// <summary>Starts reading a response without ids; false when the count is missing or claims more topics than the body can hold.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> body, out ListTopicsResponseReader reader) => TryCreate(body, withIds: false, out reader);

    /// <summary>Starts reading; <paramref name="withIds"/> says whether the request set <see cref="TopicQueryFlags.WithTopicIds"/>.
    /// False when the count is missing or claims more topics than the body can hold.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> body, bool withIds, out ListTopicsResponseReader reader)
    {
        reader = default;
        var r = new SpanReader(body);
        // Each entry is at least 6 bytes (22 with an id), so a larger count is a lie told to make us allocate.
        uint entry = withIds ? 6u + TopicIds.Size : 6u;
        if (!r.TryReadUInt32(out uint count) || count > (uint)r.Remaining.Length / entry) return false;
        reader = new ListTopicsResponseReader { _reader = r, _left = count, _withIds = withIds };
        return true;
    }

    /// <summary>Topics not yet read.</summary>
    public readonly int Remaining => (int)_left;

    /// <summary>Reads the next topic; false at the end or on malformed bytes.</summary>
    public bool TryReadNext(out ReadOnlySpan<byte> name, out int partitions) => TryReadNext(out name, out partitions, out _);

    /// <summary>Reads the next topic and its id (<see cref="Guid.Empty"/> when the response carries no ids); false at
    /// the end or on malformed bytes.</summary>
    public bool TryReadNext(out ReadOnlySpan<byte> name, out int partitions, out Guid id)
    {
        partitions = 0;
        name = default;
        id = Guid.Empty;
        if (_left == 0 || !_reader.TryReadString(out name) || !_reader.TryReadUInt32(out uint count) || count > int.MaxValue)
            return false;
        if (_withIds && !_reader.TryReadTopicId(out id)) return false;
        partitions = (int)count;
        _left--;
        return true;
    }

    /// <summary>True once every topic was read and no byte is left over.</summary>
    public readonly bool IsComplete => _left == 0 && _reader.End;
}
