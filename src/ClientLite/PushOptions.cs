using FastBroker.ClientLite.Internal;

namespace FastBroker.ClientLite;

/// <summary>Settings of a <see cref="PushSubscription"/>. Values are checked when set.</summary>
public sealed class PushOptions
{
    /// <summary>
    /// Messages the broker may have handed to this subscription and not yet had settled, at most: the credit
    /// granted up front and kept topped up as messages are acked or nacked (1 .. 1,000,000). Default 1000.
    /// </summary>
    public int Prefetch
    {
        get;
        init => field = QueueLimits.CheckPrefetch(value, nameof(Prefetch));
    } = QueueLimits.DefaultPrefetch;

    /// <summary>Visibility timeout of these deliveries (1 ms .. 12 h); null uses the subscription's.</summary>
    public TimeSpan? Visibility
    {
        get;
        init => field = value is { } v ? QueueLimits.CheckVisibility(v, nameof(Visibility)) : null;
    }

    internal static PushOptions Default { get; } = new();
}
