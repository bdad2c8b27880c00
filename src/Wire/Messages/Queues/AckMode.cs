namespace FastBroker.Wire.Messages.Queues;

/// <summary>How a shared subscription learns that a message is done.</summary>
public enum AckMode : byte
{
    /// <summary>At-least-once: a message stays in flight until acked, and comes back after its visibility timeout.</summary>
    Explicit = 0,
    /// <summary>At-most-once: a message counts as acked the moment it is delivered.</summary>
    None = 1,
}
