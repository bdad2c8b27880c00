using FastBroker.Load.Reports;
using HdrHistogram;

namespace FastBroker.Load.Measurement;

/// <summary>Extracts the reported percentiles and the percentile curve from a nanosecond histogram.</summary>
internal static class LatencySummary
{
    /// <summary>How every latency histogram is recorded; stated in each report.</summary>
    public const string Recording = "HdrHistogram, recorded in nanoseconds with 3 significant digits (values within 0.1%), shown in microseconds";

    // Five steps per halving of the distance to 100% gives a smooth curve out to the last recorded value.
    private const int CurveTicksPerHalfDistance = 5;

    /// <summary>The percentiles of <paramref name="histogram"/> in microseconds, or null when it is empty.</summary>
    public static LatencyReport? Create(HistogramBase histogram, string method)
    {
        if (histogram.TotalCount == 0)
            return null;
        var curve = new List<PercentilePoint>();
        foreach (var step in histogram.Percentiles(CurveTicksPerHalfDistance))
            curve.Add(new PercentilePoint { Percentile = step.PercentileLevelIteratedTo, Microseconds = ToMicroseconds(step.ValueIteratedTo) });
        return new LatencyReport
        {
            Recording = Recording,
            Method = method,
            Count = histogram.TotalCount,
            P50 = At(histogram, 50),
            P90 = At(histogram, 90),
            P99 = At(histogram, 99),
            P999 = At(histogram, 99.9),
            P9999 = At(histogram, 99.99),
            Max = ToMicroseconds(histogram.GetMaxValue()),
            Mean = histogram.GetMean() / 1_000,
            Curve = curve,
        };
    }

    /// <summary>The value at <paramref name="percentile"/> in microseconds, or null when nothing was recorded.</summary>
    public static double? Percentile(HistogramBase histogram, double percentile)
        => histogram.TotalCount == 0 ? null : At(histogram, percentile);

    private static double At(HistogramBase histogram, double percentile) => ToMicroseconds(histogram.GetValueAtPercentile(percentile));

    private static double ToMicroseconds(long nanoseconds) => nanoseconds / 1_000.0;
}
