using System.Globalization;
using FastBroker.Load.Reports;

namespace FastBroker.Load.Measurement;

/// <summary>
/// Once a second during a phase: reads the counters, merges the consumers' latencies, prints one progress line
/// and (for the measured phase) keeps the sample for the charts. Rates are divided by the interval's real length,
/// so a late tick does not show as a dip.
/// </summary>
internal sealed class ProgressMonitor
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    // A last interval shorter than this says more about timer jitter than about throughput.
    private const double ShortestFinalIntervalSeconds = 0.05;

    private readonly RunMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TextWriter _output;
    private readonly int _messageBytes;
    private readonly List<SecondSample> _samples = [];
    private CancellationTokenSource? _stop;
    private Task _loop = Task.CompletedTask;
    private string _phase = "";
    private bool _keepSamples;
    private bool _consumeSide;
    private long _phaseStart;
    private long _lastTimestamp;
    private long _lastPublished;
    private long _lastConsumed;

    /// <summary>Creates a monitor printing to <paramref name="output"/>.</summary>
    public ProgressMonitor(RunMetrics metrics, TimeProvider time, TextWriter output, int messageBytes)
    {
        _metrics = metrics;
        _time = time;
        _output = output;
        _messageBytes = messageBytes;
    }

    /// <summary>Samples kept so far (the measured phase only).</summary>
    public IReadOnlyList<SecondSample> Samples => _samples;

    /// <summary>
    /// Starts sampling a phase named <paramref name="phase"/> from now. <paramref name="consumeSide"/> says which
    /// side's bytes the MB/s column counts; <paramref name="keepSamples"/> keeps the samples for the report.
    /// </summary>
    public void BeginPhase(string phase, bool keepSamples, bool consumeSide)
    {
        BeginPhaseWithoutTimer(phase, keepSamples, consumeSide);
        _stop = new CancellationTokenSource();
        _loop = RunAsync(_stop.Token);
    }

    /// <summary>Starts a phase that is sampled only when <see cref="Sample"/> is called.</summary>
    public void BeginPhaseWithoutTimer(string phase, bool keepSamples, bool consumeSide)
    {
        (_phase, _keepSamples, _consumeSide) = (phase, keepSamples, consumeSide);
        _phaseStart = _lastTimestamp = _time.GetTimestamp();
        _lastPublished = _metrics.Published;
        _lastConsumed = _metrics.Consumed;
    }

    /// <summary>Stops sampling and takes the last (partial) interval.</summary>
    public async Task EndPhaseAsync()
    {
        if (_stop is null)
            return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _stop = null;
        Sample(final: true);
    }

    /// <summary>Takes one sample now and prints its line. Returns null when a final interval was too short to count.</summary>
    public SecondSample? Sample(bool final = false)
    {
        long now = _time.GetTimestamp();
        double seconds = _time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        _metrics.DrainLatency();
        if (seconds <= 0 || (final && seconds < ShortestFinalIntervalSeconds))
            return null;

        long published = _metrics.Published;
        long consumed = _metrics.Consumed;
        double publishRate = (published - _lastPublished) / seconds;
        double consumeRate = (consumed - _lastConsumed) / seconds;
        (_lastTimestamp, _lastPublished, _lastConsumed) = (now, published, consumed);

        var sample = new SecondSample
        {
            ElapsedSeconds = _time.GetElapsedTime(_phaseStart, now).TotalSeconds,
            PublishedPerSecond = publishRate,
            ConsumedPerSecond = consumeRate,
            MegabytesPerSecond = (_consumeSide ? consumeRate : publishRate) * _messageBytes / 1e6,
            P50Microseconds = LatencySummary.Percentile(_metrics.IntervalLatency, 50),
            P99Microseconds = LatencySummary.Percentile(_metrics.IntervalLatency, 99),
        };
        if (_keepSamples)
            _samples.Add(sample);
        _output.WriteLine(FormatLine(sample));
        return sample;
    }

    private string FormatLine(SecondSample sample)
    {
        var inv = CultureInfo.InvariantCulture;
        string p50 = LatencySummary.Percentile(_metrics.Latency, 50) is { } a ? NumberText.Latency(a) : "-";
        string p99 = LatencySummary.Percentile(_metrics.Latency, 99) is { } b ? NumberText.Latency(b) : "-";
        return string.Create(inv,
            $"{_phase,-8} {sample.ElapsedSeconds,7:F1}s  pub {sample.PublishedPerSecond,12:N0}/s  con {sample.ConsumedPerSecond,12:N0}/s  {sample.MegabytesPerSecond,8:F1} MB/s  p50 {p50,9}  p99 {p99,9}  (so far: {_metrics.Published:N0} published, {_metrics.Consumed:N0} consumed)");
    }

    private async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
                Sample();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The phase ended: EndPhaseAsync takes the last sample itself.
        }
    }
}
