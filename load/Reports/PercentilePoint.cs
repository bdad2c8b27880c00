namespace FastBroker.Load.Reports;

/// <summary>One point of a latency-by-percentile curve.</summary>
public sealed class PercentilePoint
{
    /// <summary>Percentile, 0 to 100.</summary>
    public double Percentile { get; init; }

    /// <summary>Latency at that percentile, microseconds.</summary>
    public double Microseconds { get; init; }
}
