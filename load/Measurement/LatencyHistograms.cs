using HdrHistogram;

namespace FastBroker.Load.Measurement;

/// <summary>
/// The one histogram shape every latency uses, so interval and cumulative histograms can be added together.
/// Values are nanoseconds; 3 significant digits keep every value within 0.1% of what was recorded.
/// </summary>
internal static class LatencyHistograms
{
    /// <summary>Values are nanoseconds, so 1 is the finest step.</summary>
    public const long LowestDiscernibleNanoseconds = 1;

    /// <summary>One hour: longer than any run (capped at 10 minutes) can produce.</summary>
    public const long HighestTrackableNanoseconds = 3_600_000_000_000;

    /// <summary>Relative precision of 0.1%.</summary>
    public const int SignificantDigits = 3;

    /// <summary>An empty histogram of the shared shape.</summary>
    public static LongHistogram Create()
        => new(LowestDiscernibleNanoseconds, HighestTrackableNanoseconds, SignificantDigits);
}
