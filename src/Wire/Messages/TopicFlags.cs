namespace FastBroker.Wire.Messages;

/// <summary>The optional <c>flags</c> byte of a CreateTopic request (PROTOCOL.md section 5.3).</summary>
[Flags]
public enum TopicFlags : byte
{
    /// <summary>An ordinary, durable topic. A request without the flags byte means this.</summary>
    None = 0,

    /// <summary>
    /// The topic belongs to the connection that created it: the broker deletes it, with its subscriptions, when that
    /// connection closes for any reason, and at its next start if it stopped before.
    /// </summary>
    Temporary = 1,

    // Bits 1-7 are reserved: a broker answers a request that sets any of them InvalidArgument.
}
