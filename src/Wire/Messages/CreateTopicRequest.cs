namespace FastBroker.Wire.Messages;

/// <summary>A parsed CreateTopic request (PROTOCOL.md section 5.3).</summary>
/// <remarks>
/// <code>
/// +--------+----------+------------+---------+
/// | topic  |  name    | partitions | flags   |
/// | len u16|  UTF-8   |    u32     | u8, opt |
/// +--------+----------+------------+---------+
/// </code>
/// A body that ends after <c>partitions</c> has flags 0; otherwise exactly one flags byte must follow.
/// </remarks>
public readonly ref struct CreateTopicRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }
    /// <summary>Partition count as sent (u32).</summary>
    public uint Partitions { get; init; }
    /// <summary>The flags byte as sent (reserved bits included), or <see cref="TopicFlags.None"/> when it was left out.</summary>
    public TopicFlags Flags { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out CreateTopicRequest request)
    {
        var r = new SpanReader(body);
        uint partitions = 0;
        byte flags = 0;
        bool ok = r.TryReadString(out var topic) && r.TryReadUInt32(out partitions) && (r.End || (r.TryReadByte(out flags) && r.End));
        request = new CreateTopicRequest { Topic = topic, Partitions = partitions, Flags = (TopicFlags)flags };
        return ok;
    }
}
