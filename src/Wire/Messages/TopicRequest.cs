namespace FastBroker.Wire.Messages;

/// <summary>A parsed request whose body is one topic name (DeleteTopic, TopicMetadata).</summary>
public readonly ref struct TopicRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out TopicRequest request)
    {
        var r = new SpanReader(body);
        bool ok = r.TryReadString(out var topic) && r.End;
        request = new TopicRequest { Topic = topic };
        return ok;
    }
}
