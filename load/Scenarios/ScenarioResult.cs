using FastBroker.Load.Reports;

namespace FastBroker.Load.Scenarios;

/// <summary>What a scenario measured in its timed phase.</summary>
internal sealed record ScenarioResult
{
    /// <summary>Publishes acknowledged in the measured phase.</summary>
    public long Published { get; init; }

    /// <summary>Messages consumed in the measured phase.</summary>
    public long Consumed { get; init; }

    /// <summary>Length of the measured phase.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>True when throughput counts consumed messages, false when it counts acknowledged publishes.</summary>
    public bool ConsumeSide { get; init; }

    /// <summary>What ended the run (see <see cref="EndReasons"/>).</summary>
    public string EndReason { get; init; } = EndReasons.CountReached;

    /// <summary>The untimed fill phase, when there was one.</summary>
    public PhaseOutcome? Fill { get; init; }

    /// <summary>How latency was measured, when it was.</summary>
    public string? LatencyMethod { get; init; }

    /// <summary>Why the run failed; null when it completed.</summary>
    public string? Error { get; init; }

    /// <summary>Facts a reader needs to interpret the numbers.</summary>
    public List<string> Notes { get; init; } = [];
}
