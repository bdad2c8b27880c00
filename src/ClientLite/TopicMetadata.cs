namespace FastBroker.ClientLite;

/// <summary>Partition count and per-partition offset range of one topic, as the broker saw it when it answered.</summary>
public sealed class TopicMetadata
{
    /// <summary>Creates metadata for <paramref name="name"/> with one range per partition, in partition order.</summary>
    public TopicMetadata(string name, IReadOnlyList<PartitionRange> partitions)
    {
        Name = name;
        Partitions = partitions;
    }

    /// <summary>Topic name.</summary>
    public string Name { get; }

    /// <summary>One entry per partition; index = partition number.</summary>
    public IReadOnlyList<PartitionRange> Partitions { get; }

    /// <summary>Number of partitions.</summary>
    public int PartitionCount => Partitions.Count;
}
