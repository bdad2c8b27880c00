namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>Where a message stands in the reference model of a work queue.</summary>
public enum ModelStatus
{
    /// <summary>Not delivered since the broker started.</summary>
    Fresh,
    /// <summary>Held by one consumer until its due time.</summary>
    InFlight,
    /// <summary>Delivered before and visible again.</summary>
    Visible,
    /// <summary>Nacked with a delay; visible at its due time.</summary>
    Delayed,
    /// <summary>Out of deliveries, waiting for its copy in the dead-letter topic.</summary>
    DeadLettering,
    /// <summary>Acked.</summary>
    Acked,
    /// <summary>Moved to the dead-letter topic.</summary>
    DeadLettered,
}
