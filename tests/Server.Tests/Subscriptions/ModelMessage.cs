namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>One message of the reference model.</summary>
public sealed class ModelMessage
{
    public ModelStatus Status { get; set; }

    /// <summary>Deliveries so far (the one in flight included).</summary>
    public int Deliveries { get; set; }

    /// <summary>Deliveries as of the last failed one: what survives a restart.</summary>
    public int Recorded { get; set; }

    public long Holder { get; set; }

    /// <summary>Lease deadline (InFlight) or end of delay (Delayed).</summary>
    public long Due { get; set; }

    public bool IsDone => Status is ModelStatus.Acked or ModelStatus.DeadLettered;

    public override string ToString() => $"{Status} d{Deliveries} r{Recorded}" + (Status == ModelStatus.InFlight ? $" h{Holder} due {Due}" : Status == ModelStatus.Delayed ? $" due {Due}" : "");
}
