using FastBroker.Wire;

namespace FastBroker.Server.Positions;

/// <summary>Awaits a topic's positions being removed durably: <see cref="Task"/> gives null, or why they were not.</summary>
internal sealed class PositionRemoval : IPositionCompletion
{
    // Continuations run off the store's loop, which must not block.
    private readonly TaskCompletionSource<string?> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<string?> Task => _done.Task;

    /// <summary>Queues the removal of every position on <paramref name="topic"/> and returns what to await.</summary>
    public static Task<string?> RemoveAsync(PositionStore store, string topic)
    {
        var removal = new PositionRemoval();
        return store.RemoveTopic(topic, removal, 0) ? removal.Task : System.Threading.Tasks.Task.FromResult<string?>("the position store is closing");
    }

    void IPositionCompletion.PositionCommitted(uint requestId) => _done.TrySetResult(null);

    void IPositionCompletion.PositionFailed(uint requestId, ErrorCode code, string message) => _done.TrySetResult(message);
}
