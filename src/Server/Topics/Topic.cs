namespace FastBroker.Server.Topics;

/// <summary>A named, partitioned log. What other folders keep per topic (its shared subscriptions) they attach
/// through <see cref="ITopicLifecycle"/>, keyed by this object.</summary>
internal sealed class Topic(string name, string directory, Partition[] partitions, Guid id)
{
    public string Name { get; } = name;

    /// <summary>This incarnation of the name: random at create, kept in topic.meta, so a topic deleted and created
    /// again under the same name has another id (PROTOCOL.md 5.5, 5.6).</summary>
    public Guid Id { get; } = id;

    public string Directory { get; } = directory;
    public Partition[] Partitions { get; } = partitions;

    /// <summary>Created with the temporary flag: deleted when its creator's connection closes (PROTOCOL.md 5.3).</summary>
    public bool Temporary { get; init; }

    /// <summary>The topic's own retention age in ms (0 = unlimited), or null to follow the broker's default. Changed
    /// only under the registry's admin lock.</summary>
    public long? OwnRetentionMs { get; set; }

    /// <summary>The topic's own retention size in bytes per partition (0 = unlimited), or null to follow the broker's default.</summary>
    public long? OwnRetentionBytes { get; set; }

    /// <summary>The topic's own deduplication window in ms (0 = off; PROTOCOL.md 6.8), or null to follow the broker's
    /// default. Changed only under the registry's admin lock.</summary>
    public long? OwnDedupWindowMs { get; set; }

    /// <summary>Set before the partitions stop, so requests that still hold the topic answer UnknownTopic.</summary>
    public bool Deleted { get; set; }
}
