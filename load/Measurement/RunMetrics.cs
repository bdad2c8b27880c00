using HdrHistogram;

namespace FastBroker.Load.Measurement;

/// <summary>
/// Everything a run counts: one <see cref="WorkerStats"/> per publisher and consumer loop, one
/// <see cref="LatencyRecorder"/> per consumer that measures latency, and the latency histograms merged from them.
/// Workers register before they start; the monitor reads and merges once a second.
/// </summary>
internal sealed class RunMetrics
{
    private readonly Lock _lock = new();
    private readonly List<WorkerStats> _publishers = [];
    private readonly List<WorkerStats> _consumers = [];
    private readonly List<LatencyRecorder> _recorders = [];
    private readonly long _frequency;

    /// <summary>Creates the metrics of a run timed in ticks of <paramref name="timestampFrequency"/> per second.</summary>
    public RunMetrics(long timestampFrequency)
    {
        _frequency = timestampFrequency;
    }

    /// <summary>Every latency recorded since the run started (nanoseconds). Only the monitor's thread touches it
    /// while the run goes on; read it after the run ended.</summary>
    public LongHistogram Latency { get; } = LatencyHistograms.Create();

    /// <summary>Latencies of the latest interval (nanoseconds), refilled by <see cref="DrainLatency"/>.</summary>
    public LongHistogram IntervalLatency { get; } = LatencyHistograms.Create();

    /// <summary>True once any consumer records latency.</summary>
    public bool MeasuresLatency
    {
        get
        {
            lock (_lock)
                return _recorders.Count > 0;
        }
    }

    /// <summary>Registers a publisher loop.</summary>
    public WorkerStats AddPublisher()
    {
        var stats = new WorkerStats();
        lock (_lock)
            _publishers.Add(stats);
        return stats;
    }

    /// <summary>Registers a consumer loop.</summary>
    public WorkerStats AddConsumer()
    {
        var stats = new WorkerStats();
        lock (_lock)
            _consumers.Add(stats);
        return stats;
    }

    /// <summary>Registers a latency recorder for one consumer.</summary>
    public LatencyRecorder AddLatencyRecorder()
    {
        var recorder = new LatencyRecorder(_frequency);
        lock (_lock)
            _recorders.Add(recorder);
        return recorder;
    }

    /// <summary>Messages acknowledged to every publisher so far.</summary>
    public long Published => Sum(_publishers);

    /// <summary>Messages handled by every consumer so far.</summary>
    public long Consumed => Sum(_consumers);

    /// <summary>The latest timestamp at which any consumer handled a message; 0 before the first.</summary>
    public long LastConsumedTimestamp
    {
        get
        {
            long last = 0;
            lock (_lock)
            {
                foreach (var stats in _consumers)
                    last = Math.Max(last, stats.LastTimestamp);
            }
            return last;
        }
    }

    /// <summary>
    /// Moves what every recorder collected since the previous call into <see cref="IntervalLatency"/> (replacing
    /// its contents) and adds it to <see cref="Latency"/>. Called by one thread at a time.
    /// </summary>
    public void DrainLatency()
    {
        IntervalLatency.Reset();
        lock (_lock)
        {
            foreach (var recorder in _recorders)
                recorder.DrainInto(IntervalLatency);
        }
        Latency.Add(IntervalLatency);
    }

    private long Sum(List<WorkerStats> workers)
    {
        long total = 0;
        lock (_lock)
        {
            foreach (var stats in workers)
                total += stats.Count;
        }
        return total;
    }
}
