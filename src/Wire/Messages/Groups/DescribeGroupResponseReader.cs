namespace FastBroker.Wire.Messages.Groups;

/// <summary>Walks a DescribeGroup response (PROTOCOL.md 5.27: u32 count, then per entry a string topic, u32 partition
/// and five i64: committed, log start, log end, lag, age ms) in place; an answer to a request with
/// <see cref="DescribeGroupFlags.WithMembers"/> goes on with the members: <see cref="TryBeginMembers"/>, then
/// <see cref="TryReadMember"/> for each.</summary>
public ref struct DescribeGroupResponseReader
{
    /// <summary>Bytes of an entry besides its topic's characters.</summary>
    public const int FixedEntrySize = 2 + 4 + 5 * 8;

    private SpanReader _reader;
    private uint _left;
    private uint _membersLeft;

    /// <summary>Bytes of a member besides its strings' characters and its partitions.</summary>
    public const int FixedMemberSize = 3 * 2 + 4 + 4 + 4 + 4;

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

    /// <summary>After the last entry, reads how many members follow; false before then, or when the count is missing
    /// or claims more members than the body can hold.</summary>
    public bool TryBeginMembers(out int count)
    {
        count = 0;
        if (_left != 0 || !_reader.TryReadUInt32(out uint members) || members > (uint)_reader.Remaining.Length / FixedMemberSize) return false;
        _membersLeft = members;
        count = (int)members;
        return true;
    }

    /// <summary>Members not read yet.</summary>
    public readonly int MembersRemaining => (int)_membersLeft;

    /// <summary>Reads the next member; false when none is left or on malformed bytes.</summary>
    public bool TryReadMember(out ReadOnlySpan<byte> topic, out ReadOnlySpan<byte> member, out ReadOnlySpan<byte> client, out uint generation,
        out uint sessionTimeoutMs, out PartitionList assigned, out PartitionList revoking)
    {
        topic = member = client = default;
        generation = sessionTimeoutMs = 0;
        assigned = revoking = default;
        if (_membersLeft == 0 || !_reader.TryReadString(out topic) || !_reader.TryReadString(out member) || !_reader.TryReadString(out client)
            || !_reader.TryReadUInt32(out generation) || !_reader.TryReadUInt32(out sessionTimeoutMs)
            || !PartitionList.TryRead(ref _reader, out assigned) || !PartitionList.TryRead(ref _reader, out revoking))
            return false;
        _membersLeft--;
        return true;
    }

    /// <summary>True once every entry (and every member begun) was read and no byte is left over.</summary>
    public readonly bool IsComplete => _left == 0 && _membersLeft == 0 && _reader.End;
}
