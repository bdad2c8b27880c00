namespace FastBroker.Wire.Messages.Groups;

/// <summary>Reads a JoinGroup response (PROTOCOL.md 5.29) or a Heartbeat response (5.30), in place.</summary>
/// <remarks>
/// <code>
/// JoinGroup:  string member, u32 generation, u32 heartbeat ms, u32 count, u32 partition * count
/// Heartbeat:                 u32 generation, u32 heartbeat ms, u32 count, u32 partition * count
/// </code>
/// Exact grammars. The partitions are the member's assignment: the ones it may read now, in ascending order.
/// </remarks>
public readonly ref struct GroupAssignmentReader
{
    /// <summary>The member id (JoinGroup only; empty for a Heartbeat response).</summary>
    public ReadOnlySpan<byte> Member { get; init; }

    /// <summary>The group's generation on the topic.</summary>
    public uint Generation { get; init; }

    /// <summary>How often the broker asks the member to heartbeat, in ms.</summary>
    public uint HeartbeatIntervalMs { get; init; }

    /// <summary>The partitions assigned to the member.</summary>
    public PartitionList Partitions { get; init; }

    /// <summary>Parses a body; <paramref name="withMember"/> is true for a JoinGroup response. False when it does not
    /// match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, bool withMember, out GroupAssignmentReader assignment)
    {
        assignment = default;
        var r = new SpanReader(body);
        ReadOnlySpan<byte> member = default;
        if ((withMember && !r.TryReadString(out member)) || !r.TryReadUInt32(out uint generation) || !r.TryReadUInt32(out uint interval)
            || !PartitionList.TryRead(ref r, out var partitions) || !r.End)
            return false;
        assignment = new GroupAssignmentReader { Member = member, Generation = generation, HeartbeatIntervalMs = interval, Partitions = partitions };
        return true;
    }
}
