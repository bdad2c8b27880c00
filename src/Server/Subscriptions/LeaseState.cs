namespace FastBroker.Server.Subscriptions;

/// <summary>Where a delivered, not yet done message stands.</summary>
internal enum LeaseState : byte
{
    /// <summary>Held by one consumer until its deadline.</summary>
    InFlight,
    /// <summary>Visible again: the next receive takes it.</summary>
    Ready,
    /// <summary>Nacked with a delay; visible again at its due time.</summary>
    Delayed,
    /// <summary>Out of deliveries; being copied to the dead-letter topic.</summary>
    DeadLettering,
    /// <summary>Never delivered: held back behind an earlier message of its key (key-ordered subscriptions); made
    /// visible when that one is settled.</summary>
    Held,
}
