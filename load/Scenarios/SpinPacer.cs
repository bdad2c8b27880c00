namespace FastBroker.Load.Scenarios;

/// <summary>
/// Waits precisely enough for microsecond-scale send intervals: timers and sleeps are only good to about a
/// millisecond, and a message sent up to a millisecond late would add that to every latency measured from its
/// intended time. Long waits sleep until about a millisecond before; the rest spins with yields, which hand the
/// core to any other runnable thread (the broker's, on a shared machine). Runs on the sender's dedicated thread,
/// never on a thread-pool thread, which spinning would starve.
/// </summary>
internal sealed class SpinPacer : IPacer
{
    private static readonly TimeSpan SleepAbove = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan SleepSlack = TimeSpan.FromMilliseconds(1);

    private readonly TimeProvider _time;

    /// <summary>Creates a pacer on <paramref name="time"/>, which must be a real clock (sleeps take real time).</summary>
    public SpinPacer(TimeProvider time)
    {
        _time = time;
    }

    /// <inheritdoc/>
    public void WaitUntil(long timestamp, CancellationToken cancellationToken)
    {
        var left = _time.GetElapsedTime(_time.GetTimestamp(), timestamp);
        if (left > SleepAbove && cancellationToken.WaitHandle.WaitOne(left - SleepSlack))
            cancellationToken.ThrowIfCancellationRequested();

        var spinner = new SpinWait();
        while (_time.GetTimestamp() < timestamp)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // -1: never fall back to Sleep(1), which would overshoot by a millisecond.
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}
