namespace FastBroker.ClientLite;

/// <summary>Partition count and per-partition offset range of one topic, as the broker saw it when it answered.</summary>
public sealed class TopicMetadata
{
    /// <summary>Creates metadata for <paramref name="name"/> with one range per partition, in partition order.</summary>
    public TopicMetadata(string name, IReadOnlyList<PartitionRange> partitions)
        : this(name, partitions, Guid.Empty)
    {
    }

    /// <summary>Creates metadata for <paramref name="name"/>, the incarnation <paramref name="topicId"/>, with one range per partition.</summary>
    public TopicMetadata(string name, IReadOnlyList<PartitionRange> partitions, Guid topicId)
    {
        Name = name;
        Partitions = partitions;
        TopicId = topicId;
    }

    /// <summary>
    /// The id the broker gave the topic when it was created: a topic deleted and created again under the same name
    /// has another id, and its offsets start over. <see cref="Guid.Empty"/> when the broker predates topic ids.
    /// </summary>
    public Guid TopicId { get; }

    /// <summary>
    /// The topic's effective retention, when asked for (<see cref="BrokerConnection.GetTopicMetadataAsync(string, bool, CancellationToken)"/>
    /// with <c>includeRetention</c>); otherwise null.
    /// </summary>
    public TopicRetentionInfo? Retention { get; init; }

    /// <summary>The topic's effective deduplication window, when it was asked for
    /// (<see cref="BrokerConnection.GetTopicMetadataAsync(string, bool, bool, CancellationToken)"/>); else null.</summary>
    public TopicDedupWindowInfo? DedupWindow { get; init; }

    /// <summary>Topic name.</summary>
    public string Name { get; }

    /// <summary>One entry per partition; index = partition number.</summary>
    public IReadOnlyList<PartitionRange> Partitions { get; }

    /// <summary>Number of partitions.</summary>
    public int PartitionCount => Partitions.Count;
}
