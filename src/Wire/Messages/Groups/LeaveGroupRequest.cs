namespace FastBroker.Wire.Messages.Groups;

/// <summary>A parsed LeaveGroup request (PROTOCOL.md 5.31): <c>string group, string topic, string member</c>, exact.</summary>
public readonly ref struct LeaveGroupRequest
{
    /// <summary>Consumer group name, UTF-8.</summary>
    public ReadOnlySpan<byte> Group { get; init; }

    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }

    /// <summary>The member id the broker gave at JoinGroup.</summary>
    public ReadOnlySpan<byte> Member { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out LeaveGroupRequest request)
    {
        request = default;
        var r = new SpanReader(body);
        if (!r.TryReadString(out var group) || !r.TryReadString(out var topic) || !r.TryReadString(out var member) || !r.End)
            return false;
        request = new LeaveGroupRequest { Group = group, Topic = topic, Member = member };
        return true;
    }
}
