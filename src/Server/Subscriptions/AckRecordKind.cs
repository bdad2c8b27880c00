namespace FastBroker.Server.Subscriptions;

/// <summary>Record kinds of the ack log (see <see cref="AckLog"/>).</summary>
internal enum AckRecordKind : byte
{
    /// <summary>No record: complete the entry's waiter once everything before it is durable.</summary>
    Marker = 0,
    /// <summary>Offsets [A, A + B) are acked.</summary>
    Ack = 1,
    /// <summary>Offset A has failed B deliveries (nack, timeout or disconnect).</summary>
    Deliveries = 2,
    /// <summary>Offset A was moved to the dead-letter topic after B deliveries.</summary>
    DeadLettered = 3,
    /// <summary>A whole partition's state (written only by compaction).</summary>
    Snapshot = 4,
    /// <summary>No record: partition's ack floor reached A, once everything queued before is durable.</summary>
    Floor = 5,
    /// <summary>No record: the owner's state was reset (ResetSubscription); the log is rewritten from it (a snapshot
    /// of every partition) before the entry's waiter completes, so older records cannot bring back what it forgot.</summary>
    Rewrite = 6,
}
