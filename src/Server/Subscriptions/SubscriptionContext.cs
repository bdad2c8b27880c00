using FastBroker.Server.Journal;
using FastBroker.Server.Topics;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Subscriptions;

/// <summary>What every shared subscription shares: the topics (for dead-letter topics), storage policy, clock, limits.</summary>
internal sealed record SubscriptionContext(
    TopicRegistry Topics,
    FsyncPolicy Fsync,
    long AckLogCompactBytes,
    int MaxMessageBytes,
    int MaxFrameBytes,
    TimeProvider Time,
    ILogger Logger)
{
    /// <summary>Delayed messages each partition of a subscription keeps in memory (QueueState.Delay.cs).</summary>
    public int MaxDelaysInMemory { get; init; } = QueueState.DefaultMaxDelaysInMemory;
}
