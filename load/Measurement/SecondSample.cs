namespace FastBroker.Load.Measurement;

/// <summary>One point of the throughput-over-time chart: what happened in the interval ending at
/// <see cref="ElapsedSeconds"/> (about one second long; rates are divided by its real length).</summary>
public sealed class SecondSample
{
    /// <summary>Seconds since the measured phase started, at the end of the interval.</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>Publishes acknowledged per second in the interval.</summary>
    public double PublishedPerSecond { get; init; }

    /// <summary>Messages consumed per second in the interval.</summary>
    public double ConsumedPerSecond { get; init; }

    /// <summary>Payload megabytes (10^6 bytes) per second on the side the scenario measures.</summary>
    public double MegabytesPerSecond { get; init; }

    /// <summary>Median latency of the messages consumed in the interval, microseconds; null without latency.</summary>
    public double? P50Microseconds { get; init; }

    /// <summary>99th percentile latency of the messages consumed in the interval, microseconds; null without latency.</summary>
    public double? P99Microseconds { get; init; }
}
