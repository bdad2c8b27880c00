namespace FastBroker.ClientLite;

/// <summary>How a shared subscription learns that a message is done.</summary>
public enum QueueAckMode
{
    /// <summary>
    /// At-least-once (the default): a delivered message stays in flight until it is acked, and is delivered again
    /// when its visibility timeout passes or it is nacked.
    /// </summary>
    Explicit = 0,

    /// <summary>
    /// At-most-once: the broker counts a message as acked the moment it delivers it. Nothing is redelivered, so a
    /// consumer that fails or disconnects loses what it was handed. Acks and nacks have no effect.
    /// </summary>
    None = 1,
}
