using FastBroker.Server.Subscriptions;

namespace FastBroker.Server.Topics;

/// <summary>A named, partitioned log, and the shared subscriptions on it.</summary>
internal sealed class Topic(string name, string directory, Partition[] partitions)
{
    public string Name { get; } = name;
    public string Directory { get; } = directory;
    public Partition[] Partitions { get; } = partitions;
    public SubscriptionSet Subscriptions { get; } = new(directory);

    /// <summary>Set before the partitions stop, so requests that still hold the topic answer UnknownTopic.</summary>
    public bool Deleted { get; set; }
}
