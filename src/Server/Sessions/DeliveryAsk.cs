using FastBroker.Server.Subscriptions;
using FastBroker.Wire;

namespace FastBroker.Server.Sessions;

/// <summary>What one receive (or one push step) asks of a subscription, kept while it waits.</summary>
internal readonly record struct DeliveryAsk(
    SharedSubscription Subscription,
    int MaxMessages,
    int MaxBytes,
    long VisibilityMs,
    Opcode Opcode,
    FrameFlags Flags,
    uint RequestId);
