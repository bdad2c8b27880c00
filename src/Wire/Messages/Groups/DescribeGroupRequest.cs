namespace FastBroker.Wire.Messages.Groups;

/// <summary>A parsed DescribeGroup request (PROTOCOL.md 5.27): <c>string group, string topic[, u8 flags]</c>, exact; an
/// empty topic asks for every topic the group has a position on. Without the flags byte the flags are 0.</summary>
public readonly ref struct DescribeGroupRequest
{
    /// <summary>Consumer group name, UTF-8.</summary>
    public ReadOnlySpan<byte> Group { get; init; }

    /// <summary>Topic name, UTF-8; empty for every topic the group has a position on.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }

    /// <summary>Flags as sent (reserved bits included); 0 when the request has no flags byte.</summary>
    public DescribeGroupFlags Flags { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out DescribeGroupRequest request)
    {
        request = default;
        var r = new SpanReader(body);
        if (!r.TryReadString(out var group) || !r.TryReadString(out var topic)) return false;
        byte flags = 0;
        if (!r.End && (!r.TryReadByte(out flags) || !r.End)) return false;
        request = new DescribeGroupRequest { Group = group, Topic = topic, Flags = (DescribeGroupFlags)flags };
        return true;
    }
}
