namespace FastBroker.Wire.Messages.Queues;

/// <summary>Where a shared subscription starts (CreateSubscription) or is moved to (ResetSubscription) in each
/// partition: the <c>start kind</c> byte of PROTOCOL.md sections 5.12 and 5.25.</summary>
public enum SubscriptionStartKind : byte
{
    /// <summary>The partition's log end: only messages published afterwards (the default).</summary>
    Latest = 0,
    /// <summary>The partition's log start: every message it still stores.</summary>
    Earliest = 1,
    /// <summary>A given offset, clamped to the partition's [log start, log end].</summary>
    Offset = 2,
    /// <summary>The first record at or after a time (ms since the Unix epoch), as ListOffsets finds it.</summary>
    Time = 3,
}
