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

    /// <summary>Parses a body; <paramref name="withOffset"/> is true for CommitPosition.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, bool withOffset, out PositionRequest request)
    {
        var r = new SpanReader(body);
        ReadOnlySpan<byte> group = default, topic = default;
        uint partition = 0;
        long offset = 0;
        bool ok = r.TryReadString(out group) && r.TryReadString(out topic) && r.TryReadUInt32(out partition)
                  && (!withOffset || r.TryReadInt64(out offset)) && r.End;
        request = new PositionRequest { Group = group, Topic = topic, Partition = partition, Offset = offset };
        return ok;
    }
}
