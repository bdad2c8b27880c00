namespace FastBroker.Wire.Messages;

/// <summary>A parsed CreateTopic request.</summary>
public readonly ref struct CreateTopicRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }
    /// <summary>Partition count as sent (u32).</summary>
    public uint Partitions { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out CreateTopicRequest request)
    {
        var r = new SpanReader(body);
        uint partitions = 0;
        bool ok = r.TryReadString(out var topic) && r.TryReadUInt32(out partitions) && r.End;
        request = new CreateTopicRequest { Topic = topic, Partitions = partitions };
        return ok;
    }
}
