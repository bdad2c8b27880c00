namespace FastBroker.Server.Topics;

/// <summary>
/// What the <see cref="TopicRegistry"/> tells the one party that keeps state per topic (the shared subscriptions),
/// so that Topics needs to know nothing of it. Each call comes once per topic object (a topic deleted and created
/// again under its name is another object), under the registry's admin lock except at dispose.
/// </summary>
internal interface ITopicLifecycle
{
    /// <summary>
    /// The topic's partitions are recovered and running: at <see cref="TopicRegistry.Attach"/> for every topic
    /// served then, and at each later create once the topic is durable and before it can be looked up. An exception
    /// fails the create (an <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>
    /// becomes its StorageError answer) or the attach.
    /// </summary>
    void Opened(Topic topic);

    /// <summary>
    /// The topic is going: on delete once <see cref="Topic.Deleted"/> is set, and when the registry is disposed.
    /// Its partitions still take appends until this completes (a dead-letter move may be under way), and stop
    /// after. May come for a topic whose <see cref="Opened"/> threw.
    /// </summary>
    ValueTask ClosingAsync(Topic topic);
}
