namespace FastBroker.Server.Subscriptions;

/// <summary>Receives the ack log's records while it is replayed at start, and writes snapshots when it compacts.</summary>
internal interface IAckReplayTarget
{
    void ReplayAck(int partition, long first, long count);
    void ReplayDeliveries(int partition, long offset, ushort deliveries);
    void ReplayDeadLettered(int partition, long offset, ushort deliveries);
    void ReplaySnapshot(int partition, long floor, long deadLettered);

    /// <summary>Partitions to snapshot when compacting.</summary>
    int PartitionCount { get; }

    /// <summary>Writes partition <paramref name="partition"/>'s snapshot through <paramref name="writer"/>
    /// (takes that partition's lock).</summary>
    void WriteSnapshot(int partition, AckSnapshotWriter writer);
}
