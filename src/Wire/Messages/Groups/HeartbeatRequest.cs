namespace FastBroker.Wire.Messages.Groups;

/// <summary>A parsed Heartbeat request (PROTOCOL.md 5.30), read in place.</summary>
/// <remarks>
/// <code>
/// +--------------+--------------+---------------+----------------+-----------+-----------------+
/// | string group | string topic | string member | u32 generation | u32 count | u32 partition * |
/// |              |              |               |                |           | count (owned)   |
/// +--------------+--------------+---------------+----------------+-----------+-----------------+
/// </code>
/// Exact grammar: the body ends right after the last partition. The partitions are the ones the member still reads;
/// a partition the broker asked back and that is missing here is released.
/// </remarks>
public readonly ref struct HeartbeatRequest
{
    /// <summary>Consumer group name, UTF-8.</summary>
    public ReadOnlySpan<byte> Group { get; init; }

    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }

    /// <summary>The member id the broker gave at JoinGroup.</summary>
    public ReadOnlySpan<byte> Member { get; init; }

    /// <summary>The last generation the member learnt.</summary>
    public uint Generation { get; init; }

    /// <summary>The partitions the member still reads.</summary>
    public PartitionList Owned { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out HeartbeatRequest request)
    {
        request = default;
        var r = new SpanReader(body);
        if (!r.TryReadString(out var group) || !r.TryReadString(out var topic) || !r.TryReadString(out var member)
            || !r.TryReadUInt32(out uint generation) || !PartitionList.TryRead(ref r, out var owned) || !r.End)
            return false;
        request = new HeartbeatRequest { Group = group, Topic = topic, Member = member, Generation = generation, Owned = owned };
        return true;
    }
}
