namespace FastBroker.Load.Targets.Internal;

/// <summary>
/// Counts publishes that have been sent but not yet acknowledged, so a publisher can wait until all of them are
/// (<see cref="Targets.IPublisher.FlushAsync"/>) for clients that offer no such barrier themselves. Thread-safe;
/// <see cref="Enter"/> and <see cref="Exit"/> do not allocate.
/// </summary>
internal sealed class InFlightCounter
{
    private readonly Lock _lock = new();
    private long _count;
    private TaskCompletionSource? _idle;

    public void Enter() => Interlocked.Increment(ref _count);

    public void Exit()
    {
        if (Interlocked.Decrement(ref _count) != 0)
            return;
        TaskCompletionSource? idle;
        lock (_lock)
        {
            // Re-checked under the lock: a publish may have entered since the decrement, and then this is not idle.
            if (Volatile.Read(ref _count) != 0)
                return;
            idle = _idle;
            _idle = null;
        }
        idle?.TrySetResult();
    }

    /// <summary>Completes once no publish is in flight; publishes entering meanwhile are waited for as well.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (Volatile.Read(ref _count) == 0)
                return Task.CompletedTask;
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }
}
