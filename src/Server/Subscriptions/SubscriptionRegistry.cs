using System.Collections.Concurrent;
using FastBroker.Server.Journal;
using FastBroker.Server.Topics;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Subscriptions;

/// <summary>
/// The shared subscriptions of every topic: one <see cref="SubscriptionSet"/> per served <see cref="Topic"/>,
/// found by a lock-free lookup keyed by the topic object (so a topic deleted and created again under its name
/// starts with none). The <see cref="TopicRegistry"/> opens and closes the sets through
/// <see cref="ITopicLifecycle"/>; the subscriptions reach the registry back only to find or create their
/// dead-letter topics.
/// </summary>
internal sealed class SubscriptionRegistry : ITopicLifecycle
{
    private readonly ConcurrentDictionary<Topic, SubscriptionSet> _sets = new();
    private readonly SubscriptionContext _context;

    private SubscriptionRegistry(SubscriptionContext context) => _context = context;

    /// <summary>
    /// Opens the subscriptions of every topic <paramref name="topics"/> serves (replaying their ack logs) and
    /// follows its topics from then on. <paramref name="topics"/> is opened first, so every dead-letter topic a
    /// subscription may need is loaded before any subscription starts.
    /// </summary>
    public static SubscriptionRegistry Open(TopicRegistry topics, FsyncPolicy fsync, QueueLimits limits, TimeProvider time, ILogger logger)
    {
        var registry = new SubscriptionRegistry(new SubscriptionContext(topics, fsync, limits.AckLogCompactBytes, limits.MaxMessageBytes,
            limits.MaxFrameBytes, time, logger) { MaxDelaysInMemory = limits.MaxDelaysInMemory });
        topics.Attach(registry);
        return registry;
    }

    /// <summary>The subscriptions of <paramref name="topic"/>; false once the topic is being deleted.</summary>
    public bool TryGet(Topic topic, out SubscriptionSet subscriptions) => _sets.TryGetValue(topic, out subscriptions!);

    void ITopicLifecycle.Opened(Topic topic) => _sets[topic] = SubscriptionSet.Open(topic, _context);

    // The set leaves the lookup first, so a request that comes after finds no subscriptions; a request that found
    // them before sees the topic deleted (creates) or each subscription closed (receives, acks).
    async ValueTask ITopicLifecycle.ClosingAsync(Topic topic)
    {
        if (_sets.TryRemove(topic, out var subscriptions)) await subscriptions.DisposeAsync().ConfigureAwait(false);
    }
}
