namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>A message of a fake subscription that was delivered and not acked: in flight, or back and visible.</summary>
internal sealed class FakeLease(int partition, long offset)
{
    public int Partition { get; } = partition;

    public long Offset { get; } = offset;

    public ushort DeliveryCount { get; set; }

    public bool InFlight { get; set; }

    /// <summary>Connection it is in flight to.</summary>
    public int Connection { get; set; }

    /// <summary>The push subscription it was delivered through, or null for a receive.</summary>
    public FakePush? Push { get; set; }

    /// <summary>When an in-flight message times out.</summary>
    public DateTimeOffset Deadline { get; set; }

    /// <summary>When a message given back becomes visible.</summary>
    public DateTimeOffset VisibleAt { get; set; }
}
