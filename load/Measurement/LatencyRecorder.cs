using HdrHistogram;

namespace FastBroker.Load.Measurement;

/// <summary>
/// Records latencies of one consumer in nanoseconds into an HdrHistogram <see cref="Recorder"/>, so the progress
/// monitor can take each second's values without stopping the consumer. One writer (the consumer's handler), one
/// reader (the monitor). Recording allocates nothing.
/// </summary>
internal sealed class LatencyRecorder
{
    private readonly Recorder _recorder;
    private readonly double _nanosecondsPerTick;
    private HistogramBase? _recycled;

    /// <summary>Creates a recorder for latencies measured in timestamp ticks of <paramref name="timestampFrequency"/> per second.</summary>
    public LatencyRecorder(long timestampFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timestampFrequency);
        _nanosecondsPerTick = 1e9 / timestampFrequency;
        _recorder = new Recorder(LatencyHistograms.LowestDiscernibleNanoseconds, LatencyHistograms.HighestTrackableNanoseconds,
            LatencyHistograms.SignificantDigits, static (id, lowest, highest, digits) => new LongHistogram(id, lowest, highest, digits));
    }

    /// <summary>Records one latency of <paramref name="elapsedTicks"/> timestamp ticks (negative counts as 0,
    /// beyond the histogram's range as its highest value, so a wild value cannot throw on the hot path).</summary>
    public void RecordTicks(long elapsedTicks)
    {
        long nanoseconds = elapsedTicks <= 0 ? 0 : (long)(elapsedTicks * _nanosecondsPerTick);
        if (nanoseconds > LatencyHistograms.HighestTrackableNanoseconds)
            nanoseconds = LatencyHistograms.HighestTrackableNanoseconds;
        _recorder.RecordValue(nanoseconds);
    }

    /// <summary>Adds everything recorded since the previous call to <paramref name="target"/> and starts a new
    /// interval. Only one thread (the monitor) may call this.</summary>
    public void DrainInto(HistogramBase target)
    {
        _recycled = _recorder.GetIntervalHistogram(_recycled);
        target.Add(_recycled);
    }
}
