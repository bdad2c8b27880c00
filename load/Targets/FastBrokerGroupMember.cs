using FastBroker.ClientLite;
using FastBroker.Wire;

namespace FastBroker.Load.Targets;

/// <summary>
/// A <see cref="TopicReader"/> that joined its group (a group, no partitions chosen), committing its positions every
/// commit interval while it reads. On revocation ClientLite commits before it gives a partition back, so a member
/// that stops cleanly (commit, then leave) hands over without any message being read twice.
/// </summary>
internal sealed class FastBrokerGroupMember : IGroupMember
{
    // The last commit must not hold up the end of a run when the broker is gone.
    private static readonly TimeSpan FinalCommitTimeout = TimeSpan.FromSeconds(5);

    private readonly TopicReader _reader;
    private readonly TimeProvider _time;
    private readonly long _commitIntervalTicks;

    /// <summary>A member reading through <paramref name="reader"/>, already started (joined).</summary>
    public FastBrokerGroupMember(TopicReader reader, TimeSpan commitInterval, TimeProvider time)
    {
        _reader = reader;
        _time = time;
        _commitIntervalTicks = (long)(commitInterval.TotalSeconds * time.TimestampFrequency);
    }

    /// <inheritdoc/>
    public IReadOnlyList<int> AssignedPartitions => _reader.AssignedPartitions;

    /// <inheritdoc/>
    public async Task<long> ConsumeAsync(GroupMessageHandler handler, CancellationToken stop, CancellationToken crash)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, crash);
        var cancellationToken = either.Token;
        long handled = 0;
        long nextCommit = _time.GetTimestamp() + _commitIntervalTicks;
        try
        {
            await foreach (var message in _reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                handled++;
                if (!handler(message.Partition, message.Value.Span))
                    break;
                if (_time.GetTimestamp() >= nextCommit)
                {
                    await CommitOwnedAsync(cancellationToken).ConfigureAwait(false);
                    nextCommit = _time.GetTimestamp() + _commitIntervalTicks;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancellation is how the harness stops a member, cleanly or as a crash.
        }

        if (!crash.IsCancellationRequested)
        {
            using var timeout = new CancellationTokenSource(FinalCommitTimeout, _time);
            await _reader.CommitAsync(timeout.Token).ConfigureAwait(false);
        }
        return handled;
    }

    /// <summary>A commit the broker fences (the member lost a partition or its membership before it learnt so) is
    /// dropped: the partition's new owner reads those messages again, which the run counts as duplicates.</summary>
    private async ValueTask CommitOwnedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _reader.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerException e) when (e.Code is ErrorCode.UnknownMember or ErrorCode.StaleGeneration)
        {
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _reader.DisposeAsync();
}
