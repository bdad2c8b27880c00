namespace FastBroker.Wire.Messages;

/// <summary>The optional <c>flags</c> byte of a ListTopics or TopicMetadata request (PROTOCOL.md sections 5.5, 5.6).</summary>
[Flags]
public enum TopicQueryFlags : byte
{
    /// <summary>The answer as brokers that predate the byte give it. A request without the flags byte means this.</summary>
    None = 0,

    /// <summary>
    /// The answer carries each topic's 16-byte id: a topic deleted and created again under the same name has
    /// another id, so a reader can tell the new topic from the one whose offsets it holds.
    /// </summary>
    WithTopicIds = 1,

    /// <summary>
    /// TopicMetadata only: the answer ends with the topic's effective retention and where each value comes from (the
    /// topic's own setting or the broker's default). Reserved in a ListTopics request.
    /// </summary>
    WithRetention = 2,

    /// <summary>
    /// TopicMetadata only: the answer ends (after the retention, when asked too) with the topic's effective
    /// deduplication window (PROTOCOL.md 6.8) and whether it is the topic's own. Reserved in a ListTopics request.
    /// </summary>
    WithDedupWindow = 4,

    // Bits 3-7 are reserved (bits 1 and 2 too, in ListTopics): a broker answers a request that sets any of them InvalidArgument.
}
