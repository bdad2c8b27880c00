namespace FastBroker.Load.Targets;

/// <summary>How a FastBroker queue consumer gets its messages.</summary>
public enum QueueReceiveMode
{
    /// <summary>Pull: long-poll receives of up to a batch of messages, the whole batch acked in one frame after the
    /// handler saw it.</summary>
    Pull,

    /// <summary>Push: a subscription with prefetch credit (<see cref="ClientLite.QueueConsumer.SubscribeAsync"/>), each
    /// message acked after the handler, acks coalesced into frames.</summary>
    Push,
}
