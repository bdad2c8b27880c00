namespace FastBroker.Wire.Messages.Groups;

/// <summary>A parsed JoinGroup request (PROTOCOL.md 5.29), read in place.</summary>
/// <remarks>
/// <code>
/// +--------------+--------------+---------------+-----------------------+
/// | string group | string topic | string member | u32 session timeout ms |
/// +--------------+--------------+---------------+-----------------------+
/// </code>
/// Exact grammar. An empty member joins as a new member; a member id the group still has rejoins as that member.
/// </remarks>
public readonly ref struct JoinGroupRequest
{
    /// <summary>Consumer group name, UTF-8.</summary>
    public ReadOnlySpan<byte> Group { get; init; }

    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }

    /// <summary>The member id to rejoin as; empty to join as a new member.</summary>
    public ReadOnlySpan<byte> Member { get; init; }

    /// <summary>How long the broker keeps the membership without a heartbeat, in ms, as sent.</summary>
    public uint SessionTimeoutMs { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out JoinGroupRequest request)
    {
        request = default;
        var r = new SpanReader(body);
        if (!r.TryReadString(out var group) || !r.TryReadString(out var topic) || !r.TryReadString(out var member)
            || !r.TryReadUInt32(out uint timeout) || !r.End)
            return false;
        request = new JoinGroupRequest { Group = group, Topic = topic, Member = member, SessionTimeoutMs = timeout };
        return true;
    }
}
