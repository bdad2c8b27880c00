namespace FastBroker.Wire.Messages;

/// <summary>A parsed ListTopics request (PROTOCOL.md section 5.5): an empty body, or one flags byte.</summary>
public readonly struct ListTopicsRequest
{
    /// <summary>The flags byte as sent (reserved bits included), or <see cref="TopicQueryFlags.None"/> for an empty body.</summary>
    public TopicQueryFlags Flags { get; init; }

    /// <summary>Parses a body; false when it is longer than one byte.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out ListTopicsRequest request)
    {
        request = new ListTopicsRequest { Flags = body.Length == 1 ? (TopicQueryFlags)body[0] : TopicQueryFlags.None };
        return body.Length <= 1;
    }
}
