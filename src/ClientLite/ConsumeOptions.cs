using FastBroker.ClientLite.Internal;

namespace FastBroker.ClientLite;

/// <summary>Settings of <see cref="QueueConsumer.ConsumeAsync"/>. Values are checked when set.</summary>
public sealed class ConsumeOptions
{
    /// <summary>Unsettled messages held at most (the push credit, see <see cref="PushOptions.Prefetch"/>). Default 1000.</summary>
    public int Prefetch
    {
        get;
        init => field = QueueLimits.CheckPrefetch(value, nameof(Prefetch));
    } = QueueLimits.DefaultPrefetch;

    /// <summary>
    /// Handler calls running at once, at most (1 .. 1024). Fewer run when <see cref="Prefetch"/> is smaller.
    /// Default 1: one message at a time.
    /// </summary>
    public int MaxDegreeOfParallelism
    {
        get;
        init
        {
            if (value is < 1 or > 1024)
                throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), value, "Max degree of parallelism must be between 1 and 1024.");
            field = value;
        }
    } = 1;

    /// <summary>Visibility timeout of these deliveries (1 ms .. 12 h); null uses the subscription's.</summary>
    public TimeSpan? Visibility
    {
        get;
        init => field = value is { } v ? QueueLimits.CheckVisibility(v, nameof(Visibility)) : null;
    }

    internal static ConsumeOptions Default { get; } = new();
}
