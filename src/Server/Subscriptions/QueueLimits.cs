using FastBroker.Wire;

namespace FastBroker.Server.Subscriptions;

/// <summary>Broker limits the shared subscriptions need: frame and message caps, and when an ack log compacts.</summary>
internal sealed record QueueLimits(int MaxFrameBytes, int MaxMessageBytes, long AckLogCompactBytes)
{
    public static QueueLimits Default { get; } = new(Protocol.DefaultMaxFrameBytes, Protocol.DefaultMaxMessageBytes, 64L * 1024 * 1024);
}
