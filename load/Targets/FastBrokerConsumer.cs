using FastBroker.ClientLite;

namespace FastBroker.Load.Targets;

/// <summary>
/// Reads a share of a topic's partitions with a <see cref="TopicReader"/> in a group, committing the group's
/// position every commit interval and once more at the end. FastBroker v1 has no per-message acks: the committed
/// position is the acknowledgement, covering every message handled before it.
/// </summary>
internal sealed class FastBrokerConsumer : IConsumer
{
    // The last commit must not hold up the end of a run when the broker is gone.
    private static readonly TimeSpan FinalCommitTimeout = TimeSpan.FromSeconds(5);

    private readonly TopicReader? _reader;
    private readonly TimeProvider _time;
    private readonly long _commitIntervalTicks;

    /// <summary>A consumer over <paramref name="reader"/>; null when its share of the partitions is empty (it then
    /// waits for cancellation and handles nothing).</summary>
    public FastBrokerConsumer(TopicReader? reader, TimeSpan commitInterval, TimeProvider time)
    {
        _reader = reader;
        _time = time;
        _commitIntervalTicks = (long)(commitInterval.TotalSeconds * time.TimestampFrequency);
    }

    /// <inheritdoc/>
    public async Task<long> ConsumeAsync(MessageHandler handler, CancellationToken cancellationToken)
    {
        if (_reader is null)
        {
            await WaitForCancellationAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }

        long handled = 0;
        long nextCommit = _time.GetTimestamp() + _commitIntervalTicks;
        try
        {
            await foreach (var message in _reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                handled++;
                if (!handler(message.Value.Span))
                    break;
                if (_time.GetTimestamp() >= nextCommit)
                {
                    await _reader.CommitAsync(cancellationToken).ConfigureAwait(false);
                    nextCommit = _time.GetTimestamp() + _commitIntervalTicks;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancellation is how the harness ends a consumer.
        }

        using var timeout = new CancellationTokenSource(FinalCommitTimeout, _time);
        await _reader.CommitAsync(timeout.Token).ConfigureAwait(false);
        return handled;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _reader?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static async Task WaitForCancellationAsync(CancellationToken cancellationToken)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (cancellationToken.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), cancelled).ConfigureAwait(false))
            await cancelled.Task.ConfigureAwait(false);
    }
}
