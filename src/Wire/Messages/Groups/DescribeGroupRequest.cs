namespace FastBroker.Wire.Messages.Groups;

/// <summary>A parsed DescribeGroup request (PROTOCOL.md 5.27): <c>string group, string topic</c>, exact; an empty
/// topic asks for every topic the group has a position on.</summary>
public readonly ref struct DescribeGroupRequest
{
    /// <summary>Consumer group name, UTF-8.</summary>
    public ReadOnlySpan<byte> Group { get; init; }

    /// <summary>Topic name, UTF-8; empty for every topic the group has a position on.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out DescribeGroupRequest request)
    {
        request = default;
        var r = new SpanReader(body);
        if (!r.TryReadString(out var group) || !r.TryReadString(out var topic) || !r.End) return false;
        request = new DescribeGroupRequest { Group = group, Topic = topic };
        return true;
    }
}
