namespace FastBroker.Load.Reports;

/// <summary>Counts, time and throughput of a run's measured phase.</summary>
public sealed class RunOutcome
{
    /// <summary>Publishes acknowledged by the broker in the measured phase.</summary>
    public long Published { get; init; }

    /// <summary>Messages handled by consumers in the measured phase.</summary>
    public long Consumed { get; init; }

    /// <summary>Length of the measured phase, seconds.</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>Messages per second on <see cref="ThroughputSide"/>.</summary>
    public double MessagesPerSecond { get; init; }

    /// <summary>Payload megabytes (10^6 bytes) per second on <see cref="ThroughputSide"/>.</summary>
    public double MegabytesPerSecond { get; init; }

    /// <summary>"publish" (acknowledged publishes are counted) or "consume" (consumed messages are counted).</summary>
    public string ThroughputSide { get; init; } = "";

    /// <summary>What ended the run: "count reached", "duration elapsed", "error", "interrupted".</summary>
    public string EndReason { get; init; } = "";

    /// <summary>The untimed fill before a consume run; null for other scenarios.</summary>
    public PhaseOutcome? Fill { get; init; }
}
