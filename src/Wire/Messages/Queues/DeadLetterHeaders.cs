namespace FastBroker.Wire.Messages.Queues;

/// <summary>
/// Header names the broker adds to a message it moves to a dead-letter topic. Values are UTF-8 text (numbers in
/// decimal). The message keeps its key, value, timestamp and its own headers, which come first.
/// </summary>
public static class DeadLetterHeaders
{
    /// <summary>The topic the message was dead-lettered from.</summary>
    public const string SourceTopic = "fb-dlq-topic";
    /// <summary>The subscription that gave up on it.</summary>
    public const string SourceSubscription = "fb-dlq-subscription";
    /// <summary>Its partition in the source topic.</summary>
    public const string SourcePartition = "fb-dlq-partition";
    /// <summary>Its offset in the source partition.</summary>
    public const string SourceOffset = "fb-dlq-offset";
    /// <summary>How many times it was delivered.</summary>
    public const string DeliveryCount = "fb-dlq-deliveries";
    /// <summary>Why it was moved (<see cref="MaxDeliveriesReason"/> or <see cref="ExpiredReason"/>).</summary>
    public const string Reason = "fb-dlq-reason";

    /// <summary>The reason given when a message ran out of deliveries.</summary>
    public const string MaxDeliveriesReason = "max-deliveries";

    /// <summary>The reason given when an expired message (PROTOCOL.md section 6.6) was moved by a subscription that
    /// dead-letters expired messages; its delivery count is the deliveries it had before it expired (0 if none).</summary>
    public const string ExpiredReason = "expired";
}
