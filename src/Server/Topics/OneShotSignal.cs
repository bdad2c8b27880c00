namespace FastBroker.Server.Topics;

/// <summary>
/// Wakes whoever waits for a change, once: fetches long-polling a partition's committed end, receives waiting for a
/// shared subscription's messages, a push consumer waiting for credit. The owner fires it and swaps in a fresh one
/// only when someone registered interest, so changes with no waiters allocate nothing.
/// </summary>
internal sealed class OneShotSignal
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _hasWaiters;

    public Task Task => _completion.Task;

    /// <summary>Registers interest. Callers must re-check the committed end after this (full fence here, so the
    /// writer's "publish end, then read waiters" and our "set waiters, then read end" cannot both miss).</summary>
    public void AddWaiter() => Interlocked.Exchange(ref _hasWaiters, 1);

    public bool HasWaiters => Volatile.Read(ref _hasWaiters) != 0;

    public void Fire() => _completion.TrySetResult();
}
