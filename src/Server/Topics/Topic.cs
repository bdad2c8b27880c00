using FastBroker.Server.Subscriptions;

namespace FastBroker.Server.Topics;

/// <summary>A named, partitioned log, and the shared subscriptions on it.</summary>
internal sealed class Topic(string name, string directory, Partition[] partitions)
{
    public string Name { get; } = name;
    public string Directory { get; } = directory;
    public Partition[] Partitions { get; } = partitions;
    public SubscriptionSet Subscriptions { get; } = new(directory);

    /// <summary>Created with the temporary flag: deleted when its creator's connection closes (PROTOCOL.md 5.3).</summary>
    public bool Temporary { get; init; }

    /// <summary>Set before the partitions stop, so requests that still hold the topic answer UnknownTopic.</summary>
    public bool Deleted { get; set; }
}
