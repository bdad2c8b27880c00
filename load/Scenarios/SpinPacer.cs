namespace FastBroker.Load.Scenarios;

/// <summary>
/// Waits precisely enough for microsecond-scale send intervals: timers fire only about once a millisecond, and a
/// message sent up to a millisecond late would add that to every latency measured from its intended time. Long
/// waits sleep on a timer until about a millisecond before, short ones spin with yields (giving the core to the
/// broker whenever it has work) and return synchronously, so the common case allocates nothing.
/// </summary>
internal sealed class SpinPacer : IPacer
{
    private static readonly TimeSpan SleepAbove = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(1);

    private readonly TimeProvider _time;
    private readonly long _sleepAboveTicks;

    /// <summary>Creates a pacer on <paramref name="time"/>.</summary>
    public SpinPacer(TimeProvider time)
    {
        _time = time;
        _sleepAboveTicks = (long)(SleepAbove.TotalSeconds * time.TimestampFrequency);
    }

    /// <inheritdoc/>
    public ValueTask WaitUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        long remaining = timestamp - _time.GetTimestamp();
        if (remaining <= 0)
            return ValueTask.CompletedTask;
        if (remaining > _sleepAboveTicks)
            return SleepThenSpinAsync(timestamp, cancellationToken);
        Spin(timestamp, cancellationToken);
        return ValueTask.CompletedTask;
    }

    private async ValueTask SleepThenSpinAsync(long timestamp, CancellationToken cancellationToken)
    {
        var left = _time.GetElapsedTime(_time.GetTimestamp(), timestamp);
        if (left > TimerSlack)
            await Task.Delay(left - TimerSlack, _time, cancellationToken).ConfigureAwait(false);
        Spin(timestamp, cancellationToken);
    }

    private void Spin(long timestamp, CancellationToken cancellationToken)
    {
        var spinner = new SpinWait();
        while (_time.GetTimestamp() < timestamp)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // -1: never fall back to Sleep(1), which would overshoot by a millisecond.
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}
