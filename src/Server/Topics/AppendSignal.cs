namespace FastBroker.Server.Topics;

/// <summary>
/// Wakes long-polling fetches when a partition's committed end moves. The writer swaps in a fresh signal only when
/// someone registered interest, so commits with no waiters allocate nothing.
/// </summary>
internal sealed class AppendSignal
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
