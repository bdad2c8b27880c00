namespace FastBroker.Server.Durability;

/// <summary>
/// A one-shot timer that asks a <see cref="GroupCommitLoop{T}"/> for a tick (the interval fsync). Owners arm it only
/// while unsynced data waits: a periodic timer per partition, ack log and position store woke every idle owner each
/// interval, which with thousands of partitions kept a core busy doing nothing.
/// </summary>
internal sealed class DelayedTick : IAsyncDisposable
{
    private readonly ITimer _timer;
    private readonly Action _tick;
    private int _armed;

    public DelayedTick(TimeProvider time, Action tick)
    {
        _tick = tick;
        _timer = time.CreateTimer(static s => ((DelayedTick)s!).Fired(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Fires once after <paramref name="due"/> unless already armed (then the earlier arming stands).
    /// Loop only, so the check and the set need no compare-and-swap.</summary>
    public void Arm(TimeSpan due)
    {
        if (Volatile.Read(ref _armed) != 0) return;
        Volatile.Write(ref _armed, 1);
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void Fired()
    {
        Volatile.Write(ref _armed, 0);
        _tick();
    }

    public ValueTask DisposeAsync() => _timer.DisposeAsync();
}
