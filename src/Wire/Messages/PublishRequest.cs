namespace FastBroker.Wire.Messages;

/// <summary>A parsed Publish request: where to append and the batch, in place.</summary>
public readonly ref struct PublishRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }
    /// <summary>Partition index as sent (u32).</summary>
    public uint Partition { get; init; }
    /// <summary>The record batch; not yet validated (see <see cref="Records.RecordBatch.Validate"/>).</summary>
    public ReadOnlySpan<byte> Batch { get; init; }

    /// <summary>Length of the body prefix before the batch for a topic name of <paramref name="topicBytes"/>.</summary>
    public static int PrefixSize(int topicBytes) => 2 + topicBytes + 4;

    /// <summary>Parses a body; false when the prefix is short. The batch is whatever follows.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out PublishRequest request)
    {
        var r = new SpanReader(body);
        uint partition = 0;
        bool ok = r.TryReadString(out var topic) && r.TryReadUInt32(out partition);
        request = new PublishRequest { Topic = topic, Partition = partition, Batch = ok ? r.Remaining : default };
        return ok;
    }
}
