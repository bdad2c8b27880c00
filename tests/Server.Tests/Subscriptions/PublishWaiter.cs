using System.Collections.Concurrent;
using FastBroker.Server.Topics;
using FastBroker.Wire;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>Completes one task per published batch with its base offset, as the producer's connection would hear it.</summary>
internal sealed class PublishWaiter : IPublishCompletion
{
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<long>> _pending = new();
    private uint _nextId;

    public (uint Id, Task<long> Done) Expect()
    {
        uint id = Interlocked.Increment(ref _nextId);
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = done;
        return (id, done.Task);
    }

    public void PublishSucceeded(uint requestId, long baseOffset, int batchBytes)
    {
        if (_pending.TryRemove(requestId, out var done)) done.TrySetResult(baseOffset);
    }

    public void PublishFailed(uint requestId, ErrorCode code, string message, int batchBytes)
    {
        if (_pending.TryRemove(requestId, out var done)) done.TrySetException(new InvalidOperationException($"{code}: {message}"));
    }
}
