using FastBroker.ClientLite.Internal;
using FastBroker.Wire;

namespace FastBroker.ClientLite;

public sealed partial class QueueConsumer
{
    /// <summary>
    /// Starts push delivery with <see cref="PushOptions.Prefetch"/> credit (defaults when null). Reads the
    /// subscription's ack mode first (once per consumer), because under ack mode none credit must come back as
    /// messages are consumed rather than acked. Fails with <see cref="BrokerException"/>
    /// (<see cref="ErrorCode.UnknownSubscription"/>, ...) when the broker refuses. When canceled (or timed out) while
    /// waiting for the broker's answer, it unsubscribes, and waits for that answer, before it throws.
    /// </summary>
    public async ValueTask<PushSubscription> SubscribeAsync(PushOptions? options = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        options ??= PushOptions.Default;
        uint visibilityMs = options.Visibility is { } v ? QueueLimits.ToMilliseconds(v) : 0;
        var ackMode = await GetAckModeAsync(cancellationToken).ConfigureAwait(false);

        var push = new PushSubscription(this, options.Prefetch, ackMode == QueueAckMode.None);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _pushes.Add(push);
        }
        var pending = _connection.StartSubscribe(push, TopicUtf8, SubscriptionUtf8, (uint)options.Prefetch, visibilityMs, cancellationToken);
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
        }
        catch (BrokerException)
        {
            // Refused: nothing was started at the broker.
            Forget(push);
            _connection.RemovePush(push);
            throw;
        }
        catch (Exception)
        {
            // Canceled, timed out or disconnected: the broker may have started it. Stop it before throwing, so a
            // caller that sees this call end (ConsumeAsync returning on cancellation) leaves no subscription open
            // behind it. Unsubscribe follows the Subscribe on the same connection, which the broker handles in order.
            await push.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _connection.Release(pending);
        }
        push.Activate();
        return push;
    }

    /// <summary>
    /// Runs <paramref name="handler"/> for every message pushed to this consumer until
    /// <paramref name="cancellationToken"/> is canceled, then returns (no exception). Up to
    /// <see cref="ConsumeOptions.MaxDegreeOfParallelism"/> handler calls run at once. When a handler returns, its
    /// message is acked (acks of many messages share frames; the call waits for the last ones before returning);
    /// when it throws, the message is nacked to be redelivered at once (and dead-lettered after the subscription's
    /// max deliveries). Under ack mode none nothing is acked or nacked: a failed message is lost. The token passed
    /// to the handler is canceled when consuming stops. Throws when the subscription ends for another reason
    /// (<see cref="BrokerException"/>, <see cref="BrokerConnectionException"/>) or an ack fails.
    /// </summary>
    public async Task ConsumeAsync(Func<QueueMessage, CancellationToken, ValueTask> handler, ConsumeOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        options ??= ConsumeOptions.Default;
        PushSubscription push;
        try
        {
            push = await SubscribeAsync(new PushOptions { Prefetch = options.Prefetch, Visibility = options.Visibility }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        Exception? failure = null;
        await using (push.ConfigureAwait(false))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var workers = new Task[options.MaxDegreeOfParallelism];
            for (int i = 0; i < workers.Length; i++)
                workers[i] = Task.Run(() => WorkAsync(push, handler, stop), CancellationToken.None);
            foreach (var worker in workers)
            {
                try
                {
                    await worker.ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // The first worker failure stopped the others; it is the one reported.
                    failure ??= e;
                }
            }
        }
        if (failure is not null)
            throw failure;
    }

    private static async Task WorkAsync(PushSubscription push, Func<QueueMessage, CancellationToken, ValueTask> handler, CancellationTokenSource stop)
    {
        bool acks = !push.CreditOnConsume;
        // Ack frames this worker has used, oldest first. A finished one is awaited at once (a failed ack surfaces);
        // an unfinished one only when more than a few are outstanding, so a worker never waits a round trip per
        // message, yet a broker that stops answering acks stops it soon.
        var pending = new Queue<Task>();
        Task lastAck = Task.CompletedTask;
        try
        {
            await foreach (var message in push.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                bool handled;
                try
                {
                    await handler(message, stop.Token).ConfigureAwait(false);
                    handled = true;
                }
                catch (Exception)
                {
                    // The handler's failure is the message's, not the consumer's: give the message back.
                    handled = false;
                }

                if (!acks)
                    continue;
                if (handled)
                {
                    var ack = message.Consumer.AckForLater(message);
                    if (ack != lastAck)
                    {
                        pending.Enqueue(ack);
                        lastAck = ack;
                    }
                    while (pending.Count > MaxPendingAckFrames || (pending.Count > 0 && pending.Peek().IsCompleted))
                        await pending.Dequeue().ConfigureAwait(false);
                }
                else
                {
                    await message.NackAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
                }
            }
            while (pending.Count > 0)
                await pending.Dequeue().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            while (pending.Count > 0)
                await pending.Dequeue().ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    // Outstanding ack frames a handler worker runs ahead of.
    private const int MaxPendingAckFrames = 4;

    private async ValueTask<QueueAckMode> GetAckModeAsync(CancellationToken cancellationToken)
    {
        int known = Volatile.Read(ref _ackMode);
        if (known >= 0)
            return (QueueAckMode)known;
        var stats = await _connection.GetQueueStatsAsync(Topic, Subscription, cancellationToken).ConfigureAwait(false);
        // A subscription's settings never change, so the first answer holds for the consumer's lifetime.
        Volatile.Write(ref _ackMode, (int)stats.AckMode);
        return stats.AckMode;
    }
}
