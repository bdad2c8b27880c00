using FastBroker.Wire;

namespace FastBroker.Server.Subscriptions;

/// <summary>Broker limits the shared subscriptions need: frame and message caps, and when an ack log compacts.</summary>
internal sealed record QueueLimits(int MaxFrameBytes, int MaxMessageBytes, long AckLogCompactBytes)
{
    /// <summary>Delayed messages each partition of a shared subscription keeps in memory (QueueState.Delay.cs).</summary>
    public int MaxDelaysInMemory { get; init; } = QueueState.DefaultMaxDelaysInMemory;

    public static QueueLimits Default { get; } = new(Protocol.DefaultMaxFrameBytes, Protocol.DefaultMaxMessageBytes, 64L * 1024 * 1024);
}
