using FastBroker.Server.Subscriptions;
using FastBroker.Wire;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>Hears when an ack is durable (or failed), as the connection that asked would.</summary>
internal sealed class SettleWaiter : ISettleCompletion
{
    private readonly TaskCompletionSource<uint> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<uint> Done => _done.Task;

    /// <summary>Runs on the committing thread as the settle is reported, before <see cref="Done"/> completes.</summary>
    public Action? OnSettled { get; init; }

    public void SettleDurable(uint requestId, Opcode opcode, uint applied)
    {
        OnSettled?.Invoke();
        _done.TrySetResult(applied);
    }

    public void SettleFailed(uint requestId, ErrorCode code, string message) => _done.TrySetException(new InvalidOperationException($"{code}: {message}"));
}
