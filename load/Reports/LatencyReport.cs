namespace FastBroker.Load.Reports;

/// <summary>A latency distribution in microseconds, taken from an HdrHistogram recorded in nanoseconds.</summary>
public sealed class LatencyReport
{
    /// <summary>Unit of every value here: "us" (microseconds).</summary>
    public string Unit { get; init; } = "us";

    /// <summary>How the values were recorded.</summary>
    public string Recording { get; init; } = "";

    /// <summary>What one value measures (from which send time to which receive time).</summary>
    public string Method { get; init; } = "";

    /// <summary>Values recorded.</summary>
    public long Count { get; init; }

    /// <summary>Median.</summary>
    public double P50 { get; init; }

    /// <summary>90th percentile.</summary>
    public double P90 { get; init; }

    /// <summary>99th percentile.</summary>
    public double P99 { get; init; }

    /// <summary>99.9th percentile.</summary>
    public double P999 { get; init; }

    /// <summary>99.99th percentile.</summary>
    public double P9999 { get; init; }

    /// <summary>Largest value.</summary>
    public double Max { get; init; }

    /// <summary>Mean.</summary>
    public double Mean { get; init; }

    /// <summary>The distribution by percentile, for the percentile chart.</summary>
    public List<PercentilePoint> Curve { get; init; } = [];
}
