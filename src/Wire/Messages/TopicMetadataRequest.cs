namespace FastBroker.Wire.Messages;

/// <summary>A parsed TopicMetadata request (PROTOCOL.md section 5.6).</summary>
/// <remarks>
/// <code>
/// +--------+----------+---------+
/// | topic  |  name    | flags   |
/// | len u16|  UTF-8   | u8, opt |
/// +--------+----------+---------+
/// </code>
/// A body that ends after the name has flags 0; otherwise exactly one flags byte must follow.
/// </remarks>
public readonly ref struct TopicMetadataRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }

    /// <summary>The flags byte as sent (reserved bits included), or <see cref="TopicQueryFlags.None"/> when it was left out.</summary>
    public TopicQueryFlags Flags { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out TopicMetadataRequest request)
    {
        var r = new SpanReader(body);
        byte flags = 0;
        bool ok = r.TryReadString(out var topic) && (r.End || (r.TryReadByte(out flags) && r.End));
        request = new TopicMetadataRequest { Topic = topic, Flags = (TopicQueryFlags)flags };
        return ok;
    }
}
