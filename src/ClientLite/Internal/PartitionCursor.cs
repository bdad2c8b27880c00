namespace FastBroker.ClientLite.Internal;

/// <summary>
/// A <see cref="TopicReader"/>'s state for one partition of one topic: where the consumer stands, what the group
/// has stored, and the fetch in flight. A pattern reader holds one per partition of every matching topic.
/// </summary>
internal sealed class PartitionCursor(string topic, int partition, long position, long committed)
{
    /// <summary>The topic name, one string instance per topic, handed to every message read from it.</summary>
    public string Topic { get; } = topic;

    public int Partition { get; } = partition;

    /// <summary>The next offset the reader will yield (it moves past skipped expired messages too).</summary>
    public long Position { get; set; } = position;

    /// <summary>The group's stored position as far as this reader knows; -1 when it has none.</summary>
    public long Committed { get; set; } = committed;

    /// <summary>The fetch in flight, if any; its answer starts at <see cref="FetchOffset"/>.</summary>
    public Task<FetchResult>? Fetch { get; set; }

    public long FetchOffset { get; set; } = position;
}
