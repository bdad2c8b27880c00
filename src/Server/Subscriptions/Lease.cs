namespace FastBroker.Server.Subscriptions;

/// <summary>The state of one delivered message that is not done yet.</summary>
/// <param name="State">Where it stands.</param>
/// <param name="Deliveries">How many times it has been delivered.</param>
/// <param name="Holder">The connection it is in flight to (InFlight only).</param>
/// <param name="DueMs">When it times out (InFlight) or becomes visible (Delayed), in clock milliseconds.</param>
internal record struct Lease(LeaseState State, ushort Deliveries, long Holder, long DueMs);
