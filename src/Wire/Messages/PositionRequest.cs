namespace FastBroker.Wire.Messages;

/// <summary>A parsed CommitPosition or ReadPosition request.</summary>
public readonly ref struct PositionRequest
{
    /// <summary>Consumer group name, UTF-8.</summary>
    public ReadOnlySpan<byte> Group { get; init; }
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }
    /// <summary>Partition index as sent (u32).</summary>
    public uint Partition { get; init; }
    /// <summary>The position to store: the next offset the group will read (CommitPosition only).</summary>
    public long Offset { get; init; }

    /// <summary>True when a CommitPosition carries the optional member fields (PROTOCOL.md 5.9).</summary>
    public bool HasMember { get; init; }
    /// <summary>The committing member's id (CommitPosition with member fields only).</summary>
    public ReadOnlySpan<byte> Member { get; init; }
    /// <summary>The generation the committing member last learnt (CommitPosition with member fields only).</summary>
    public uint Generation { get; init; }

    /// <summary>Parses a body; <paramref name="withOffset"/> is true for CommitPosition, whose body may go on with
    /// <c>string member, u32 generation</c>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, bool withOffset, out PositionRequest request)
    {
        var r = new SpanReader(body);
        ReadOnlySpan<byte> group = default, topic = default, member = default;
        uint partition = 0, generation = 0;
        long offset = 0;
        bool ok = r.TryReadString(out group) && r.TryReadString(out topic) && r.TryReadUInt32(out partition)
                  && (!withOffset || r.TryReadInt64(out offset));
        bool hasMember = ok && withOffset && !r.End;
        if (hasMember) ok = r.TryReadString(out member) && r.TryReadUInt32(out generation);
        ok = ok && r.End;
        request = new PositionRequest
        {
            Group = group, Topic = topic, Partition = partition, Offset = offset, HasMember = hasMember, Member = member, Generation = generation,
        };
        return ok;
    }
}
