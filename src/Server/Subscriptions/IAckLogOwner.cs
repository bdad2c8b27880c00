namespace FastBroker.Server.Subscriptions;

/// <summary>What the ack log needs from the subscription it serves, beyond replay.</summary>
internal interface IAckLogOwner : IAckReplayTarget
{
    /// <summary>Copies each partition's current ack floor (taken under its lock, so every ack below it has already
    /// been handed to the log).</summary>
    void CaptureFloors(Span<long> floors);

    /// <summary>Everything below these floors is durable now.</summary>
    void FloorsDurable(ReadOnlySpan<long> floors);
}
