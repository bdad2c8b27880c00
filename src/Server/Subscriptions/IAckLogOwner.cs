namespace FastBroker.Server.Subscriptions;

/// <summary>What the ack log needs from the subscription it serves, beyond replay.</summary>
internal interface IAckLogOwner : IAckReplayTarget
{
    /// <summary>Everything below these floors is durable now.</summary>
    void FloorsDurable(ReadOnlySpan<long> floors);

    /// <summary>The log was rewritten from the owner's state after a reset: these floors are durable now, and the
    /// owner's durable floors are set to them (they may be lower than before).</summary>
    void FloorsRewritten(ReadOnlySpan<long> floors) => FloorsDurable(floors);

    /// <summary>The partition's floor now (takes its lock); read by the log just before a rewrite.</summary>
    long CurrentFloor(int partition) => 0;
}
