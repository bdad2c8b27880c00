namespace FastBroker.Load.Scenarios;

/// <summary>
/// When each partition last delivered a message to any member of the group, so the time between two deliveries of
/// one partition is known even when they went to different members (a handover). At any moment one member reads a
/// partition (the broker gives a partition on only after its owner gave it back), so each slot has one writer at a
/// time; reads and writes are volatile because that writer changes.
/// </summary>
internal sealed class PartitionGaps
{
    private readonly long[] _last;

    /// <summary>Slots for <paramref name="partitions"/> partitions.</summary>
    public PartitionGaps(int partitions) => _last = new long[partitions];

    /// <summary>Notes a delivery from <paramref name="partition"/> at <paramref name="now"/>; returns the ticks since
    /// the partition's previous delivery (0 for its first, or for a partition out of range).</summary>
    public long Observe(int partition, long now)
    {
        if ((uint)partition >= (uint)_last.Length)
            return 0;
        long previous = Volatile.Read(ref _last[partition]);
        Volatile.Write(ref _last[partition], now);
        return previous == 0 || now < previous ? 0 : now - previous;
    }
}
