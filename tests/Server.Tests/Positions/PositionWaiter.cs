using FastBroker.Server.Positions;
using FastBroker.Wire;

namespace FastBroker.Server.Tests.Positions;

/// <summary>Hears when one committed position is durable (null) or failed (the error), as the session would.</summary>
internal sealed class PositionWaiter : IPositionCompletion
{
    private readonly TaskCompletionSource<(ErrorCode Code, string Message)?> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<(ErrorCode Code, string Message)?> Done => _done.Task.WaitAsync(TimeSpan.FromSeconds(20));

    public void PositionCommitted(uint requestId) => _done.TrySetResult(null);

    public void PositionFailed(uint requestId, ErrorCode code, string message) => _done.TrySetResult((code, message));

    /// <summary>Commits and waits (bounded) until the store answers.</summary>
    public static Task<(ErrorCode Code, string Message)?> CommitAsync(PositionStore store, PositionKey key, long offset)
    {
        var waiter = new PositionWaiter();
        Assert.True(store.TryCommit(key, offset, waiter, 1));
        return waiter.Done;
    }
}
