namespace FastBroker.Wire.Messages.Groups;

/// <summary>Walks a ListGroups response (PROTOCOL.md 5.26: u32 count, then per group a string name, a u32 topic count
/// and that many topic strings) in place: <see cref="TryReadGroup"/>, then <see cref="TryReadTopic"/> for each of its topics.</summary>
public ref struct ListGroupsResponseReader
{
    private SpanReader _reader;
    private uint _groupsLeft;
    private uint _topicsLeft;

    /// <summary>Starts reading; false when the count is missing or claims more groups than the body can hold.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> body, out ListGroupsResponseReader reader)
    {
        reader = default;
        var r = new SpanReader(body);
        // Each group is at least 6 bytes, so a larger count is a lie told to make the reader allocate.
        if (!r.TryReadUInt32(out uint count) || count > (uint)r.Remaining.Length / 6) return false;
        reader = new ListGroupsResponseReader { _reader = r, _groupsLeft = count };
        return true;
    }

    /// <summary>Groups not read yet.</summary>
    public readonly int GroupsRemaining => (int)_groupsLeft;

    /// <summary>Reads the next group and how many topics follow it; false at the end, on malformed bytes, or while
    /// topics of the previous group are unread.</summary>
    public bool TryReadGroup(out ReadOnlySpan<byte> group, out int topics)
    {
        group = default;
        topics = 0;
        if (_groupsLeft == 0 || _topicsLeft != 0 || !_reader.TryReadString(out group) || !_reader.TryReadUInt32(out uint count)
            || count > (uint)_reader.Remaining.Length / 2)
            return false;
        _groupsLeft--;
        _topicsLeft = count;
        topics = (int)count;
        return true;
    }

    /// <summary>Reads the next topic of the current group; false when it has none left or on malformed bytes.</summary>
    public bool TryReadTopic(out ReadOnlySpan<byte> topic)
    {
        topic = default;
        if (_topicsLeft == 0 || !_reader.TryReadString(out topic)) return false;
        _topicsLeft--;
        return true;
    }

    /// <summary>True once every group and topic was read and no byte is left over.</summary>
    public readonly bool IsComplete => _groupsLeft == 0 && _topicsLeft == 0 && _reader.End;
}
