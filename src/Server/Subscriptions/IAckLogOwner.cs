namespace FastBroker.Server.Subscriptions;

/// <summary>What the ack log needs from the subscription it serves, beyond replay.</summary>
internal interface IAckLogOwner : IAckReplayTarget
{
    /// <summary>Everything below these floors is durable now.</summary>
    void FloorsDurable(ReadOnlySpan<long> floors);
}
