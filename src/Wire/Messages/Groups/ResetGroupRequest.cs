namespace FastBroker.Wire.Messages.Groups;

/// <summary>A parsed ResetGroup request (PROTOCOL.md 5.28), read in place.</summary>
/// <remarks>
/// <code>
/// +--------------+--------------+--------+-------+-------+-------+-----------------+
/// | string group | string topic | target | value | flags | count | u32 partition * |
/// |              |              |   u8   |  i64  |  u8   |  u32  | count           |
/// +--------------+--------------+--------+-------+-------+-------+-----------------+
/// </code>
/// Exact grammar: the body ends right after the last partition. Count 0 means every partition of the topic.
/// </remarks>
public readonly ref struct ResetGroupRequest
{
    private readonly ReadOnlySpan<byte> _partitions;

    private ResetGroupRequest(ReadOnlySpan<byte> group, ReadOnlySpan<byte> topic, byte target, long value, byte flags, ReadOnlySpan<byte> partitions)
    {
        Group = group;
        Topic = topic;
        Target = (GroupResetTarget)target;
        Value = value;
        Flags = (ResetGroupFlags)flags;
        _partitions = partitions;
    }

    /// <summary>Consumer group name, UTF-8.</summary>
    public ReadOnlySpan<byte> Group { get; }

    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; }

    /// <summary>Where to move the positions, as sent (it may not be a defined <see cref="GroupResetTarget"/>).</summary>
    public GroupResetTarget Target { get; }

    /// <summary>The offset (<see cref="GroupResetTarget.Offset"/>) or the time in ms since the Unix epoch
    /// (<see cref="GroupResetTarget.Time"/>); 0 for the other targets.</summary>
    public long Value { get; }

    /// <summary>Flags as sent (reserved bits included).</summary>
    public ResetGroupFlags Flags { get; }

    /// <summary>Number of partitions listed; 0 means every partition.</summary>
    public int Count => _partitions.Length / 4;

    /// <summary>Partition <paramref name="index"/> of the list.</summary>
    public uint this[int index] => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_partitions.Slice(index * 4, 4));

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out ResetGroupRequest request)
    {
        request = default;
        var r = new SpanReader(body);
        if (!r.TryReadString(out var group) || !r.TryReadString(out var topic) || !r.TryReadByte(out byte target)
            || !r.TryReadInt64(out long value) || !r.TryReadByte(out byte flags) || !r.TryReadUInt32(out uint count))
            return false;
        if ((ulong)count * 4 != (ulong)r.Remaining.Length) return false;
        request = new ResetGroupRequest(group, topic, target, value, flags, r.Remaining);
        return true;
    }
}
